# Pages de validation : évaluations et banques de questions, preuves, grilles et relectures.
# Les ids commencent par le domaine : assess-, evidence-, review-, rubric-.

# Présentation d’une évaluation (assessment.html)
assess-back-to-module = Le module
assess-draft-notice-unpublished = Cette évaluation n’est pas publiée : seul son organisme de formation la voit.
assess-draft-notice-retired = Cette évaluation est retirée : seul son organisme de formation la voit.
assess-rules-heading = Déroulement
assess-yours-heading = Vos tentatives
assess-yours-none = Vous n’avez pas encore passé cette évaluation.
assess-col-attempt = Tentative
assess-col-started = Commencée le
assess-col-outcome = Résultat
assess-attempt-link = Tentative { $number }
assess-outcome-passed = réussie avec { $percent }
assess-outcome-failed = non réussie, { $percent }
assess-outcome-open = en cours
assess-outcome-closed = close sans envoi
assess-continue-open = Reprendre votre tentative en cours
assess-start-first = Commencer l’évaluation
assess-start-again = Commencer une nouvelle tentative
assess-manage-heading = Pour l’organisme de formation
assess-manage-state = État : { $state }.
assess-manage-stats = { $started } tentative(s) commencée(s), { $submitted } envoyée(s), { $passed } réussie(s).
assess-publish-button = Publier l’évaluation
assess-retire-button = Retirer l’évaluation (plus de nouvelle tentative ; les résultats restent acquis)
assess-state-draft = brouillon
assess-state-published = publiée
assess-state-retired = retirée

# Passer une tentative (attempt.html)
assess-attempt-title = { $title } — tentative { $number }
assess-attempt-heading = { $title } : tentative { $number }
# assess-deadline-before, la date limite en gras, puis assess-deadline-after forment une seule phrase.
assess-deadline-before = Envoyez vos réponses avant le
assess-deadline-after = . Les réponses envoyées ensuite ne sont pas acceptées.
assess-no-time-limit = Pas de limite de temps.
assess-points-one = 1 point
assess-points-other = { $points } points
assess-submit-answers = Envoyer mes réponses
assess-deadline-passed = Le temps imparti pour cette tentative est écoulé : les réponses ne peuvent plus être envoyées. Revenez à l’évaluation pour savoir quand vous pourrez réessayer.
assess-not-accepted-heading = Réponses refusées
# Comment répondre à chaque type de question, et les libellés de ses champs
assess-hint-single = Choisissez une réponse.
assess-hint-multiple = Cochez toutes les bonnes réponses ; chaque mauvais choix coûte des points.
assess-hint-true-false = L’affirmation est-elle vraie ou fausse ?
assess-true = Vrai
assess-false = Faux
assess-hint-numeric = Indiquez un nombre.
assess-your-answer = Votre réponse
assess-your-answer-unit = Votre réponse (en { $unit })
assess-hint-ordering = Numérotez les étapes de 1 (la première) à { $last } (la dernière).
assess-hint-short-text = Saisissez votre réponse.
assess-hint-icd11 = Saisissez le code CIM-11, ou un groupement : les codes d’extension suivent leur code souche après &, les autres codes souches après /.
assess-icd11-label = Code CIM-11 ou groupement

# Résultat d’une tentative (attempt_result.html)
assess-result-title = { $title } — résultat de la tentative { $number }
assess-result-heading = { $title } : résultat de la tentative { $number }
assess-result-passed = Réussie : { $percent }
assess-result-failed = Non réussie : { $percent }
assess-result-cut = (seuil de réussite : { $cut } %).
assess-result-submitted = Envoyée le { $when }.
assess-result-by-competency = Par compétence
assess-col-competency = Compétence
assess-col-your-score = Votre score
assess-col-minimum = Minimum
assess-col-met = Atteint
assess-met-yes = oui
assess-met-no = non
assess-result-by-question = Question par question
assess-result-credit = Points obtenus : { $credit }

# Banque de questions (item_bank.html)
assess-bank-title = Banque de questions de { $org }
assess-bank-items = Questions
assess-bank-none = Aucune question pour l’instant.
assess-col-difficulty = Difficulté
assess-col-type = Type
assess-col-prompt = Énoncé
assess-col-points = Points
assess-col-key = Corrigé
assess-col-version = Version
assess-col-actions = Actions
assess-item-retired = retirée
assess-item-retire = Retirer
# Lu par les lecteurs d’écran après « Retirer »
assess-item-retire-which = la question { $id }
assess-bank-add-heading = Ajouter une question
assess-kind-single = Choix unique
assess-kind-multiple = Choix multiple
assess-kind-true-false = Vrai ou faux
assess-kind-numeric = Numérique
assess-kind-ordering = Remise en ordre
assess-kind-short-text = Réponse courte
assess-kind-icd11 = Codage CIM-11
# Le type d’une question dans le tableau de la banque
assess-type-single = choix unique
assess-type-multiple = choix multiple
assess-type-true-false = vrai/faux
assess-type-numeric = numérique
assess-type-ordering = remise en ordre
assess-type-short-text = réponse courte
assess-type-icd11 = codage CIM-11
assess-difficulty-easy-option = Facile
assess-difficulty-medium-option = Moyenne
assess-difficulty-hard-option = Difficile
# La difficulté d’une question dans le tableau de la banque
assess-difficulty-easy = facile
assess-difficulty-medium = moyenne
assess-difficulty-hard = difficile
assess-field-competency-hint = (code tel que ICD.2, ou identifiant)
assess-field-options = Options
assess-field-options-hint = (questions à choix et de remise en ordre : une par ligne ; pour la remise en ordre, dans le bon ordre)
assess-field-correct = Bonne réponse
assess-field-correct-hint = (choix unique : numéro de l’option à partir de 1 ; choix multiple : numéros séparés par des virgules ; true ou false ; numérique : la valeur)
assess-field-tolerance = Tolérance
assess-field-unit = Unité
assess-field-numeric-hint = (numérique)
assess-field-accepted = Réponses acceptées
assess-field-accepted-hint = (réponse courte : une par ligne)
assess-field-matching = Comparaison
assess-field-short-text-hint = (réponse courte)
assess-matching-normalized = Ignorer la casse et les espaces en trop
assess-matching-exact = Exacte
assess-matching-pattern = Expression régulière
assess-field-vignette = Vignette clinique
assess-field-icd11-hint = (codage CIM-11)
assess-field-expected = Code ou groupement attendu
assess-field-expected-hint = (codage CIM-11, p. ex. NC72.2&XK9K)
assess-field-explanation = Explication
assess-field-explanation-hint = (affichée après l’envoi)
assess-bank-add-button = Ajouter la question

# Les évaluations d’un organisme de formation (assessment_list.html)
assess-list-title = Évaluations de { $org }
assess-list-bank-link = Banque de questions
assess-list-heading = Évaluations
assess-list-none = Aucune évaluation pour l’instant.
assess-col-title = Titre
assess-col-state = État
assess-col-questions = Questions
assess-col-cut = Seuil de réussite
assess-list-publish = Publier
assess-new-heading = Nouvelle évaluation
assess-field-description = Description
assess-field-module = Module évalué
assess-field-module-none = Aucun
assess-field-blueprint = Plan de l’évaluation
assess-field-blueprint-hint = (une case par ligne : compétence difficulté nombre, p. ex. ICD.2 medium 3)
assess-field-time-limit = Durée limite en minutes
assess-field-time-limit-hint = (vide : sans limite)
assess-field-max-attempts = Tentatives autorisées
assess-field-max-attempts-hint = (vide : illimitées)
assess-field-cooldown = Minutes entre deux tentatives
assess-field-cut = Seuil de réussite (%)
assess-field-minimums = Minimums par compétence
assess-field-minimums-hint = (facultatif, un par ligne : compétence pourcentage, p. ex. ICD.3 75)
assess-new-button = Créer le brouillon
assess-not-published-heading = Non publiée

# Erreurs des formulaires de question et d’évaluation ; { $field } est le nom du champ
assess-error-option-number = bonne réponse : « { $value } » n’est pas un numéro d’option de 1 à { $count }
assess-error-difficulty = difficulté : choisissez easy, medium ou hard
assess-error-points = points : indiquez un nombre entier de 1 à 100
assess-error-not-a-number = { $field } : « { $value } » n’est pas un nombre
assess-error-true-false = bonne réponse : écrivez true ou false
assess-error-type = type : choisissez un type de question
assess-error-not-whole = { $field } : « { $value } » n’est pas un nombre entier
assess-error-blueprint-line = plan : la ligne { $line } doit se lire « compétence difficulté nombre », p. ex. « ICD.2 medium 3 »
assess-error-blueprint-difficulty = plan : ligne { $line } : « { $value } » n’est pas easy, medium ou hard
assess-error-blueprint-count = plan : ligne { $line } : « { $value } » n’est pas un nombre entier
assess-error-minimums-line = minimums : la ligne { $line } doit se lire « compétence pourcentage », p. ex. « ICD.3 75 »
assess-error-minimums-percent = minimums : ligne { $line } : « { $value } » n’est pas un pourcentage
assess-error-module = module : choisissez un module dans la liste
assess-error-cut-score = seuil de réussite : indiquez le pourcentage requis, de 0 à 100

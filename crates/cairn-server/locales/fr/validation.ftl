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

# Les preuves d’un apprenant (evidence_list.html, evidence_new.html, evidence.html)
evidence-mine-title = Vos preuves
evidence-mine-submitted = Soumises à évaluation
evidence-mine-none = Vous n’avez encore soumis aucune preuve.
evidence-col-title = Titre
evidence-col-rubric = Grille
evidence-col-status = Statut
evidence-col-decision = Décision
evidence-col-submitted = Soumise le
evidence-submit-title = Soumettre une preuve
evidence-no-rubrics = Aucun organisme n’a encore publié de grille d’évaluation.
evidence-choose-rubric = Choisissez la grille sur laquelle votre travail sera évalué. Une preuve en vue d’un badge est évaluée selon les règles de ce badge ; une preuve d’entraînement est corrigée une fois et ne rapporte rien.
evidence-towards-link = en vue de { $achievement }
evidence-practice-link = entraînement
# Lu par les lecteurs d’écran après un lien d’entraînement, pour nommer la grille
evidence-practice-on = sur { $rubric }
evidence-judged-on = Évaluée selon : { $rubric }
evidence-towards = En vue de { $achievement }.
# Le badge choisi et la façon dont ses preuves sont évaluées (l’un des deux textes evidence-how-)
evidence-towards-how = { $achievement } : { $how }
evidence-how-double = deux évaluateurs la corrigent séparément, et un arbitre tranche en cas de désaccord
evidence-how-single = un évaluateur la corrige
evidence-practice-note = Entraînement : un évaluateur la corrige ; elle ne donne droit à aucun badge.
evidence-criteria-intro = Les évaluateurs notent votre preuve selon ces critères :
evidence-field-narrative = Ce que vous avez fait
evidence-field-narrative-hint = (en quoi cela démontre la compétence)
evidence-links = Liens
evidence-field-links-hint = (adresses https, une par ligne, 10 au plus)
evidence-files = Fichiers
evidence-field-files-hint = ({ $max } au plus : PDF, PNG, JPEG ou texte brut, 5 Mio chacun)
evidence-submit-button = Soumettre à évaluation
evidence-error-files-too-large = Les fichiers sont trop volumineux ensemble ; joignez { $max } Mio au plus au total.
evidence-error-form-unreadable = Le formulaire n’a pas pu être lu : { $reason }.
evidence-error-file-unreadable = Le fichier « { $file } » n’a pas pu être lu : { $reason }.
evidence-form-refused-heading = Formulaire refusé
evidence-form-refused = Ce formulaire ne provient pas d’une page de Cairn, ou il a expiré. Revenez en arrière, rechargez la page et réessayez.
evidence-error-not-an-id = « { $value } » n’est pas un identifiant
evidence-error-no-rubric = choisissez la grille à laquelle se rapporte votre preuve (ouvrez ce formulaire depuis le lien de la grille)
evidence-by = Par { $learner }
evidence-on-rubric = selon la grille { $rubric }
evidence-double-marked = double correction
evidence-single-marked = correction simple
evidence-status = Statut : { $status }
evidence-waiting = En attente : { $what }.
evidence-appealed = Recours : { $reason }
evidence-work-heading = La preuve
evidence-file-facts = ({ $type }, { $size } octets, SHA-256 { $sha256 })
evidence-reviews-heading = Évaluations
evidence-review-line = { $stage } par { $assessor } : { $state }
evidence-review-submitted = rendue le { $when }
evidence-review-assigned = attribuée le { $when }
evidence-review-score-passed = { $total } points sur { $max }, réussie
evidence-review-score-failed = { $total } points sur { $max }, non réussie
evidence-appeal-heading = Contester cette décision
evidence-appeal-intro = Vous pouvez contester un refus une seule fois. Un évaluateur qui n’a pas encore examiné votre preuve la réévalue, et cette évaluation est définitive.
evidence-appeal-reason = Pourquoi faut-il la réévaluer ?
evidence-appeal-button = Déposer un recours
evidence-appeal-refused = Recours : { $why }.

# File d’évaluation et correction (review_queue.html, review.html)
review-stage-first = première correction
review-stage-second = seconde correction
review-stage-adjudication = arbitrage
review-stage-appeal = réexamen sur recours
review-queue-title = Preuves à évaluer
review-assigned-heading = Qui vous sont attribuées
review-assigned-none = Rien ne vous attend.
review-col-evidence = Preuve
review-col-learner = Apprenant
review-col-your-part = Votre rôle
review-col-assigned = Attribuée le
review-unassigned-heading = En attente d’un évaluateur
review-unassigned-intro = Preuves qui n’ont pu être attribuées à personne à leur arrivée et que vous pouvez évaluer.
review-unassigned-none = Aucune.
review-col-needed = Attendu
review-claim = Prendre en charge
review-title = Évaluation : { $evidence }
review-your-part = votre rôle : { $stage }
review-status = statut : { $status }
review-file-facts = ({ $type }, { $size } octets)
review-learner-appealed = L’apprenant a formé un recours : { $reason }
review-done-heading = Votre évaluation est rendue
review-you-gave = Vous avez attribué { $score }.
review-decision = Décision : { $decision }
review-evidence-now = La preuve est maintenant : { $status }.
review-score = { $total } points sur { $max }
review-pass-mark = (seuil { $pass } points sur { $max })
review-table-caption = Critères et leurs niveaux ; choisissez un niveau par critère
review-col-criterion = Critère
review-col-levels = Niveaux, du plus bas au plus haut
review-level-points-one = (1 point)
review-level-points-other = ({ $points } points)
review-min-level = au moins « { $level } » est exigé
review-comment-on = Commentaire sur « { $criterion } »
review-optional = (facultatif)
review-submit-button = Rendre l’évaluation
# Un critère pas encore noté, listé dans review-error-levels-missing
review-missing-criterion = { $number } « { $criterion } »
review-error-levels-missing = Choisissez un niveau pour chaque critère ; pas encore choisi : { $missing }.

# Concordance des évaluateurs (review_stats.html)
review-stats-title = Concordance des évaluateurs · { $org }
review-stats-heading = Concordance des évaluateurs chez { $org }
# Les trois textes review-stats- ci-dessous forment un seul paragraphe.
review-stats-from = Sur { $count } preuves en double correction.
review-stats-kappa = Le kappa est le kappa de Cohen sur réussite/échec (1 : accord parfait, 0 : pas mieux que le hasard ; « — » quand la variation est insuffisante pour conclure).
review-stats-difference = L’écart est la différence moyenne entre les totaux des deux correcteurs, en points pour 100 du maximum de la grille.
review-stats-by-assessor = Par évaluateur
review-col-assessor = Évaluateur
review-col-double-marked = Double correction
review-col-kappa = Kappa
review-col-same-verdict = Même décision
review-col-mean-difference = Écart moyen
review-stats-points-in-100 = { $points } points sur 100
review-stats-all-assessors = Tous les évaluateurs

# Les grilles d’un organisme (rubric_list.html)
rubric-list-title = Grilles d’évaluation de { $org }
rubric-stats-link = Statistiques de concordance des évaluateurs
rubric-list-heading = Grilles d’évaluation
rubric-list-none = Aucune grille pour l’instant.
rubric-col-criteria = Critères
rubric-col-pass-mark = Seuil de réussite
rubric-pass-of-max = { $pass } sur { $max }
rubric-submit-towards = Soumettre une preuve en vue de { $achievement }
rubric-submit-practice = Soumettre une preuve d’entraînement
rubric-new-heading = Rédiger une grille
rubric-field-pass-mark-hint = (points)
# rubric-form-intro, le format d’un niveau (rubric-level-format) et rubric-form-intro-end forment un seul paragraphe.
rubric-form-intro = Un bloc par critère ; laissez vide le titre d’un bloc pour l’ignorer. Écrivez chaque niveau sur sa propre ligne, du plus bas au plus haut, sous la forme
rubric-level-format = titre | descripteur | points
rubric-form-intro-end = .
rubric-criterion-legend = Critère { $number }
rubric-field-levels = Niveaux
rubric-field-min = Niveau le plus bas qui permet de réussir quel que soit le total
rubric-field-min-hint = (numéro de niveau, facultatif)
rubric-new-button = Créer la grille
rubric-error-level-format = Critère { $number } « { $criterion } », ligne de niveau { $line } : écrivez-la sous la forme « { $format } ».
rubric-error-level-points = Critère { $number } « { $criterion } », ligne de niveau { $line } : « { $value } » n’est pas un nombre entier de points.
rubric-error-min-level = Critère { $number } « { $criterion } » : le niveau minimum est un numéro de niveau à partir de 1, ou vide.
rubric-error-pass-mark = Le seuil de réussite « { $value } » n’est pas un nombre entier de points.

# Pages de formation : navigation de l’en-tête, catalogue des modules, modules et leçons,
# éditeur de modules, empilements de certifications et leurs schémas, attributions.

# Navigation de l’en-tête (ses autres mots sont dans core)
nav-sign-in = Se connecter

# Le catalogue
catalog-title = Catalogue
catalog-heading = Catalogue des modules
catalog-search-label = Rechercher des modules
catalog-search-placeholder = ex. CIM-11, soins fondés sur la valeur, interprofessionnel
catalog-filters = Filtres
catalog-domain = Domaine
catalog-any-domain = Tous les domaines
catalog-provider = Organisme de formation
catalog-any-provider = Tous les organismes
catalog-format = Format
catalog-any-format = Tous les formats
catalog-language = Langue
# « Durée en minutes, de [  ] à [  ] » : deux libellés d’un même intervalle
catalog-minutes-from = Minutes, de
catalog-minutes-to = à
catalog-sort = Trier par
catalog-sort-relevance = Pertinence
catalog-sort-title = Titre
catalog-sort-duration = Les plus courts d’abord
catalog-sort-newest = Les plus récents
catalog-accredited-only = Accrédités uniquement
catalog-accredited-hint = (évalués par un organisme accréditeur selon un référentiel publié, accréditation valide ce jour)
catalog-search = Rechercher
catalog-none-found = Aucun module trouvé
catalog-count-one = { $count } module
catalog-count-other = { $count } modules
catalog-showing = (résultats { $first } à { $last })
catalog-try-again = Essayez moins de mots ou d’autres mots, ou retirez un filtre.
catalog-pages-label = Pages de résultats
catalog-previous = Précédent
catalog-next = Suivant
catalog-not-found = { $what } introuvable ; choisissez un organisme dans la liste.

# Caractéristiques d’un module, dans le catalogue et sur la page du module
module-format-lesson = Leçon intégrée
module-format-link = Lien externe
module-format-xapi = Activité xAPI / cmi5
module-minutes = { $minutes } min
module-accredited = Accrédité
module-state-draft = brouillon
module-state-published = publiée

# La page d’un module
module-back-to-catalog = ← Catalogue
module-accreditation-label = Accréditation
module-accredited-by = Accrédité par { $accreditor } jusqu’au { $until }
module-accredited-by-conditions = Accrédité sous conditions par { $accreditor } jusqu’au { $until }
# « Vérifier » est le lien ; les lecteurs d’écran entendent aussi la suite
module-verify = Vérifier
module-verify-sr = l’accréditation délivrée par { $accreditor }
module-draft-notice = Ce module est un brouillon : seuls ses auteurs le voient. Publiez-le pour qu’il apparaisse dans le catalogue.
module-about = À propos de ce module
module-objectives = Vous serez capable de
module-competencies = Compétences
module-target-level = (niveau visé { $level })
# Un seul lien : « Autres modules pour cette » est visible, « compétence » est lu par les lecteurs d’écran
module-more-for = Autres modules pour cette
module-more-for-sr = compétence
module-tags = Mots-clés : { $tags }
module-take = Suivre le module
module-n-pages-one = { $count } page
module-n-pages-other = { $count } pages
module-n-questions-one = { $count } question
module-n-questions-other = { $count } questions
# $pages vient de module-n-pages, $questions de module-n-questions
module-lesson-size = { $pages }.
module-lesson-size-with-check = { $pages } et un quiz de { $questions }.
module-progress = Votre progression : page { $seen } sur { $total }.
module-progress-completed = Votre progression : page { $seen } sur { $total }, leçon terminée.
module-start-lesson = Commencer la leçon
module-continue-lesson = Reprendre la leçon
# Une seule phrase : « Connectez-vous » est un lien, la suite le complète
module-sign-in = Connectez-vous
module-sign-in-to-take = pour suivre la leçon et enregistrer votre progression.
module-open-activity = Ouvrir l’activité
module-opens-new-tab = (s’ouvre dans un nouvel onglet)
module-xapi-activity = Activité xAPI :
module-assessment = Évaluation
module-version-heading = Version
module-version = Version { $number } ({ $state })
module-content-hash = empreinte du contenu
module-version-item = Version { $number } : { $state }
module-edit = Modifier
module-edit-new-draft = Modifier (crée un nouveau brouillon)
module-all-of-provider = Tous les modules de { $provider }
module-publish-draft = Publier le brouillon
module-not-published = Non publié

# Une leçon, page par page, et son quiz
lesson-page-of = Page { $page } sur { $pages }
lesson-pages-label = Pages de la leçon
lesson-previous-page = Page précédente
lesson-next-page = Page suivante
lesson-finish = Terminer
lesson-go-to-check = Passer au quiz
lesson-complete = Leçon terminée
lesson-knowledge-check = Quiz
lesson-score = Bonnes réponses : { $right } sur { $total }.
lesson-check-answers = Vérifier mes réponses
lesson-check-again = Vérifier à nouveau mes réponses
lesson-all-read = Vous avez lu toutes les pages de cette leçon.
lesson-back-to-last = Revenir à la dernière page
lesson-find-another = Trouver un autre module
# $why est l’explication de l’auteur, parfois vide
lesson-feedback-right = Question { $number } : bonne réponse. { $why }
lesson-feedback-wrong = Question { $number } : la bonne réponse est « { $answer } ». { $why }
lesson-save-failed-heading = Impossible d’enregistrer votre progression
# $reason est une phrase sans point final
lesson-save-failed = { $reason }. Revenez en arrière et réessayez.

# Les modules d’un organisme de formation et l’éditeur de modules
module-list-title = Modules de { $org }
module-write-new = Rédiger un nouveau module
module-list-yours = Vos modules
module-list-none = Aucun module pour l’instant.
module-list-col-title = Titre
module-list-col-version = Dernière version
module-list-col-actions = Actions
module-edit-title = Modifier { $title }
module-new = Nouveau module
module-edit-heading = Modifier le module
module-all = ← Tous les modules
module-view = Voir le module
module-editing-version = Modification de la version { $number } ({ $state }).
module-editing-published = Elle est publiée et figée : l’enregistrement crée un nouveau brouillon, et la version { $number } reste inchangée.
module-field-title = Titre
module-field-summary = Résumé
module-field-objectives = Objectifs pédagogiques
module-one-per-line = (un par ligne)
module-field-duration = Durée en minutes
module-duration-hint = (5 à 20 en général)
module-field-language = Langue
module-field-format = Format
module-field-url = Adresse
module-url-hint = (lien externe, ou URL de lancement xAPI)
module-field-iri = IRI de l’activité xAPI
module-field-tags = Mots-clés
module-tags-hint = (séparés par des virgules)
module-save-draft = Enregistrer le brouillon
module-create-draft = Créer le brouillon
module-lesson-pages = Pages de la leçon
module-no-pages = Aucune page pour l’instant.
module-page-title = Titre de la page
module-page-text = Texte
module-page-text-hint = (Markdown ; le HTML s’affiche comme du texte)
module-add-page = Ajouter la page
module-not-aligned = Aligné sur aucune compétence pour l’instant.
module-remove = Retirer
module-import-framework = Importez un référentiel de compétences pour y aligner les modules.
module-competency = Compétence
module-level = Niveau visé
module-level-1 = 1 — fondamental
module-level-2 = 2 — opérationnel
module-level-3 = 3 — confirmé
module-level-4 = 4 — expert
module-align = Aligner
module-knowledge-check = Quiz
module-no-questions = Aucune question pour l’instant.
module-n-choices = ({ $count } choix)
module-question = Question
module-choices = Choix
module-answer = Numéro de la bonne réponse
module-explanation = Explication
module-explanation-hint = (affichée après la réponse)
module-add-question = Ajouter la question
module-publish-heading = Publier
module-publish-text = La publication fige cette version avec une empreinte du contenu et l’affiche dans le catalogue. Toute modification ultérieure crée un nouveau brouillon.
module-publish = Publier
# Les erreurs de formulaire commencent par le nom technique du champ (inchangé : duration_minutes, format…)
module-error-duration = duration_minutes : « { $value } » n’est pas un nombre de minutes
module-error-format = format : choisissez un format
module-error-answer = answer : indiquez le numéro de la bonne réponse, de 1 à { $max }
module-error-competency = competency : choisissez une compétence dans la liste
module-error-level = level : choisissez un niveau visé

# Empilements : types de certification et situation de l’apprenant
stack-kind-badge = Badge
stack-kind-micro-credential = Micro-certification
stack-kind-nano-degree = Nano-diplôme
stack-kind-certificate = Certificat
stack-state-held = obtenu
stack-state-expiring = obtenu, expire dans moins de 90 jours
stack-state-suspended = suspendu
stack-state-missing = pas encore obtenu

# Les empilements d’un apprenant et son parcours vers l’un d’eux
stack-mine-title = Vos empilements
stack-mine-intro = Les badges s’empilent en micro-certifications, et celles-ci en nano-diplômes et certificats. Voici chaque empilement que vous détenez ou avez commencé : ce qui compte déjà et ce qui manque encore.
stack-mine-none = Vous n’avez commencé aucun empilement : obtenez un badge qui en fait partie et il apparaîtra ici.
stack-rule = Règle :
stack-first-hold = Prérequis :
stack-held = obtenu
stack-not-yet-held = pas encore obtenu
stack-complete-held = Terminé : vous le détenez.
stack-complete-on-way = Terminé : tout ce qu’il exige est obtenu, et sa certification est en cours de délivrance.
stack-still-missing = Il manque encore
stack-plan-path = Planifier mon parcours vers { $name }
stack-back-to-stacks = ← Vos empilements
stack-path-title = Votre parcours vers { $target }
stack-total-time = Durée totale : { $total }.
stack-duration-minutes = { $minutes } min
stack-duration-hours = { $hours } h
stack-duration-hours-minutes = { $hours } h { $minutes } min
stack-nothing-left = Plus rien à faire.
stack-step-module = Module
stack-step-assessment = Évaluation
stack-step-minutes = ({ $minutes } min)
stack-step-for = — pour { $achievement }
# Suit le nom de la certification, en gras : « <nom> est délivré »
stack-is-awarded = est délivré

# Les empilements d’un organisme et l’éditeur d’empilement
stack-org-title = Empilements de { $org }
stack-org-intro = Certifications délivrées quand un apprenant en détient d’autres : badges en micro-certifications, micro-certifications en nano-diplômes et certificats.
stack-define-new = Définir un nouvel empilement
stack-org-none = Aucun empilement pour l’instant.
stack-prerequisites = Prérequis :
stack-edit-named = Modifier { $name }
stack-edit-title = Modifier { $name }
stack-new = Nouvel empilement
stack-edit-heading = Modifier l’empilement { $name }
stack-all = ← Tous les empilements
stack-as-saved = Tel qu’enregistré
stack-picture-after-save = Le schéma de l’empilement apparaîtra ici une fois enregistré.
stack-field-name = Nom
stack-field-kind = Type
stack-field-description = Description
stack-field-criteria = Critères
stack-criteria-hint = (en toutes lettres, pour les apprenants)
stack-rule-legend = Règle
stack-rule-all = Toutes les composantes
# « Au moins [ 2 ] des composantes » : la case du nombre se place entre les deux morceaux
stack-rule-at-least = Au moins
stack-rule-at-least-end = des composantes
stack-how-many = Nombre de composantes
# « Composantes valant au moins [ 6 ] crédits » : la case du nombre se place entre les deux morceaux
stack-rule-credits = Composantes valant au moins
stack-rule-credits-end = crédits
stack-min-credits = Crédits minimum
stack-parts-legend = Composantes et prérequis
stack-parts-hint = Une composante compte pour la règle ; un prérequis doit être détenu avant de pouvoir obtenir l’empilement.
stack-col-achievement = Certification
stack-col-part = Composante
stack-col-prereq = Prérequis
stack-credits = { $credits } crédits
stack-is-part = { $name } est une composante
stack-is-prereq = { $name } est un prérequis
stack-revocation-legend = Si une composante est révoquée
stack-revocation-keep = Conserver l’empilement : il a été obtenu
stack-revocation-suspend = Le suspendre s’il n’est plus satisfait
stack-revocation-reevaluate = Réévaluer : le révoquer s’il n’est plus satisfait
stack-save = Enregistrer l’empilement
stack-create = Créer l’empilement
stack-not-a-stack-yet = Cette certification n’est pas encore un empilement ; l’enregistrer en fera un.
stack-nested-rule = La règle actuelle combine des groupes ({ $rule }) ; ce formulaire l’affiche en une seule liste, et l’enregistrement remplace la règle par celle du formulaire.
stack-error-no-parts = Choisissez au moins une composante pour l’empilement.
stack-error-how-many = Indiquez combien des { $count } composantes sont exigées, en nombre entier.
stack-error-credits = Indiquez le minimum de crédits sous forme de nombre, par exemple 6 ou 1.5.
stack-error-rule = Choisissez le type de règle.
stack-error-revocation = Choisissez ce qui se passe quand une composante est révoquée.
stack-error-kind = Choisissez le type de certification.

# Le schéma d’un empilement : légende, titres des cases et description lue par les lecteurs d’écran
stack-svg-held = Obtenu
stack-svg-expiring = Expire bientôt
stack-svg-suspended = Suspendu
stack-svg-planned = Prévu
stack-svg-missing = Manquant
stack-svg-phrase-held = obtenu
stack-svg-phrase-expiring = obtenu, expire bientôt
stack-svg-phrase-suspended = suspendu
stack-svg-phrase-planned = prévu
stack-svg-phrase-missing = pas encore obtenu
stack-svg-footer = +{ $hidden } non affichés : un schéma montre au plus { $nodes } composantes sur { $levels } niveaux.
stack-svg-more-title-one = { $count } autre composante non affichée
stack-svg-more-title-other = { $count } autres composantes non affichées
stack-svg-more = +{ $count } autres
# Dans le titre d’une case, après le type et l’état : « … ; exige toutes »
stack-svg-needs = exige { $rule }
stack-svg-credit-one = 1 crédit
stack-svg-credits = { $credits } crédits
stack-svg-no-parts = aucune composante.
stack-svg-held-of-one = { $held } sur { $total } composante obtenue.
stack-svg-held-of-other = { $held } sur { $total } composantes obtenues.
stack-svg-parts-one = { $total } composante.
stack-svg-parts-other = { $total } composantes.
stack-svg-needs-sentence = Exige { $rule }.
stack-svg-and-more = et { $count } de plus
stack-svg-leaves-out = Le schéma omet { $hidden } des certifications de l’empilement.

# Attributions d’un organisme
award-list-title = Attributions de { $org }
award-list-intro = Chaque attribution a été décidée par la règle d’une certification dès que l’apprenant l’a remplie, et sa certification signée aussitôt.
award-pending = { $count } en attente de signature.
award-failed = { $count } n’ont pas pu être signées ; voir le motif en regard de chacune.
award-none = Aucune attribution pour l’instant.
award-col-achievement = Certification
award-col-learner = Apprenant
award-col-state = État
award-col-decided = Décidée le
award-col-why = Motif
award-state-issued = délivrée
award-state-revoked = délivrée, puis révoquée
award-state-pending = décidée, signature en cours
award-state-failed = échec de la signature
award-former-user = un ancien utilisateur

# Comment une certification a été obtenue
award-chain-title = Obtention de { $name }
award-chain-heading = Obtention de « { $name } »
award-chain-see = Voir la certification et la vérifier
award-chain-why = Pourquoi elle a été délivrée
award-chain-by-hand = Cette certification a été délivrée manuellement par son émetteur, et non par une règle de certification.
award-chain-steps = Chaque décision, dans l’ordre
award-chain-caption = Chaque étape est une entrée du journal d’audit infalsifiable.
award-col-when = Quand
award-col-who = Qui
award-col-what = Quoi
award-system-actor = Cairn, en appliquant la règle de la certification
award-action-attempt-start = Tentative commencée
award-action-attempt-score = Tentative soumise et notée
award-action-evidence-submit = Preuve soumise
award-action-assign = Évaluateur désigné
award-action-review-submit = Avis de l’évaluateur enregistré
award-action-evidence-decide = Décision sur la preuve
award-action-evidence-appeal = Recours contre le refus
award-action-module-complete = Module terminé
award-action-award-decide = Attribution décidée : la règle de la certification est remplie
award-action-credential-issue = Certification signée
award-action-award-issue = Attribution finalisée avec sa certification
award-action-credential-revoke = Certification révoquée
award-action-credential-suspend = Certification suspendue
award-action-credential-reinstate = Certification rétablie
award-why-attempt = Tentative { $number }, sur un questionnaire de { $items } items tirés de la banque
award-why-signed = Signée avec la clé de l’émetteur ; son statut est le bit { $index } de la liste de révocation { $list }
award-why-award-issued = L’attribution a désormais sa certification signée

# La liste des attributions : un lien par certification délivrée pour en changer le statut
award-change-status = Modifier le statut
award-change-status-of = de « { $name } » pour { $learner }
stack-form-heading = Le parcours et sa règle

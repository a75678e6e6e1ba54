# Pages d’accréditation : file et référentiels de l’organisme accréditeur, un dossier avec ses
# évaluations et sa décision, la file de l’évaluateur, une décision, les dossiers de l’organisme
# de formation ; puis le registre des émetteurs reconnus et le « qui l’a émis » des pages de
# vérification et de certification. Les ids commencent par le domaine : accr-, registry-, trust-.

# Mots communs à plusieurs pages d’accréditation
accr-col-module = Module
accr-col-provider = Organisme de formation
accr-col-accreditor = Organisme accréditeur
accr-col-standard = Référentiel
accr-col-submitted = Déposé le
accr-col-state = État
accr-col-status = Statut
accr-col-reviewed = Évaluations rendues
accr-col-outcome = Résultat
accr-col-standing = Statut
accr-col-valid-until = Valable jusqu’au
accr-col-conditions = Conditions
accr-decisions = Décisions
accr-decisions-empty = Aucune décision pour l’instant.
accr-version-paren = (version { $n })
accr-version = Version { $n }
accr-optional = (facultatif)
accr-choose = Choisir…
accr-rationale = Motivation
accr-verify-endorsement = Vérifier l’approbation
accr-review-standards = Référentiels d’évaluation
accr-your-reviews = Vos évaluations d’accréditation

# État d’un dossier, résultat d’une décision, statut d’une accréditation
accr-state-submitted = en attente d’évaluateurs
accr-state-in-review = en cours d’évaluation
accr-state-decided = décision rendue
accr-state-withdrawn = retiré
accr-state-unknown = inconnu
accr-outcome-accredited = Accrédité
accr-outcome-conditional = Accrédité sous conditions
accr-outcome-not-accredited = Non accrédité
accr-standing-current = En vigueur
accr-standing-conditions-overdue = Conditions en retard
accr-standing-lapsed = Expirée
accr-standing-withdrawn = Retirée
accr-standing-not-accredited = Non accrédité
# Comment une version est couverte par une décision
accr-via-reviewed = évaluée
accr-via-minor-change = déclarée comme modification mineure

# File de l’organisme accréditeur (accreditation_queue.html)
accr-queue-title = Accréditation chez { $org }
accr-queue-open = Dossiers en cours
accr-queue-open-hint = Les plus anciens d’abord. Désignez des évaluateurs qui ne sont pas membres de l’organisme de formation ; décidez une fois les évaluations rendues.
accr-queue-open-empty = Aucun dossier en attente.
accr-queue-col-reviewers = Évaluateurs désignés
accr-queue-col-conditions-due = Échéance des conditions
accr-queue-col-decided = Décidé le
accr-queue-met = (levées le { $date })

# Référentiels de l’organisme accréditeur (accreditation_standards.html)
accr-standards-title = Référentiels d’évaluation de { $org }
accr-standards-intro = Les évaluateurs notent les dossiers selon les critères d’un référentiel. Un référentiel ne change jamais une fois créé : un référentiel modifié en devient un nouveau et l’ancien est archivé, si bien que chaque évaluation garde ce au regard de quoi elle a été faite.
accr-standards-list = Référentiels
accr-standards-empty = Cet organisme n’a pas encore de référentiel.
accr-standards-col-criteria = Critères
accr-standards-col-created = Créé le
accr-standards-archived = archivé
accr-standards-in-use = en usage
accr-standards-adopt = Adopter le référentiel par défaut
accr-standards-adopt-intro = Cairn fournit « { $name } » : exactitude et actualité, objectifs alignés sur les compétences, validité de l’évaluation, ingénierie pédagogique du micro-apprentissage, accessibilité, biais et inclusion, et confidentialité des données des apprenants, chacun avec ses niveaux et des repères pour les évaluateurs.

# Un référentiel (accreditation_standard.html)
accr-standard-created = Créé le { $date }
accr-standard-archived = archivé : plus aucun dépôt possible au regard de ce référentiel
accr-standard-criterion-key = ({ $key } ; satisfait au référentiel à partir du niveau { $level })
accr-standard-col-level = Niveau
accr-standard-col-label = Intitulé
accr-standard-col-looks-like = Ce que l’on observe
accr-standard-archive-hint = L’archivage conserve le référentiel pour les évaluations déjà faites et empêche tout nouveau dépôt à son regard.
accr-standard-archive = Archiver ce référentiel

# File de l’évaluateur (accreditation_reviews.html)
accr-reviews-intro = Les versions de modules que vous devez évaluer selon le référentiel d’un organisme accréditeur. Vous voyez les évaluations des autres évaluateurs une fois la vôtre rendue.
accr-reviews-assigned = Qui vous sont confiés
accr-reviews-empty = Rien ne vous attend.
accr-reviews-col-for = Pour
accr-reviews-done-of = { $done } sur { $total }

# Un dossier (accreditation_submission.html)
accr-submission-title = Accréditation de { $module }
accr-submission-back-queue = File d’accréditation
accr-submission-back-provider = Vos dossiers
accr-submission-byline = { $provider } a déposé la version { $version } auprès de { $accreditor } le { $date }
accr-submission-status = état :
accr-submission-what = Contenu du dossier
# « Module : », le titre du module en lien, puis « , version 2 » : une seule ligne
accr-submission-module = Module :
accr-submission-module-version = , version { $n }
# « Référentiel : », son nom, puis « (critères) » en lien : une seule ligne
accr-submission-standard = Référentiel :
accr-submission-criteria-link = critères
accr-submission-note = Note de l’organisme de formation : { $note }
accr-submission-assessments = Évaluations des apprenants
accr-submission-no-assessments = Le module n’avait aucune évaluation publiée lors du dépôt.
accr-submission-withdraw = Retirer ce dossier
accr-submission-decision = Décision : { $outcome }
# « Statut : En vigueur · valable du … au … · décision du … », le statut en gras
accr-submission-standing = Statut :
accr-submission-valid = valable du { $from } au { $until }
accr-submission-decided = décision du { $date }
accr-submission-conditions = Conditions, à lever avant le { $date } : { $conditions }
accr-submission-decision-link = La décision complète
accr-submission-reviewers = Évaluateurs
accr-submission-reviewers-hint = Membres de { $accreditor } ayant le rôle d’évaluateur. Un membre de l’organisme de formation, quel que soit son rôle, ne peut pas évaluer ses modules.
accr-submission-no-candidates = { $accreditor } n’a pas encore d’évaluateur : attribuez d’abord le rôle d’évaluateur à des membres.
accr-submission-assign-legend = Désigner un évaluateur
accr-submission-candidate-assigned = (désigné)
# Après le nom d’un évaluateur et un tiret : pourquoi il ne peut pas évaluer ce module
accr-submission-candidate-conflict = ne peut pas évaluer : { $why }
accr-submission-assign = Désigner
accr-submission-reviews = Évaluations
accr-submission-assigned-on = (désigné le { $date })
accr-submission-assigned-reviewed = (désigné le { $assigned }, évalué le { $reviewed })
accr-submission-not-reviewed = Pas encore évalué.
# Un bouton ; le nom de l’évaluateur suit pour les lecteurs d’écran
accr-submission-unassign = Retirer
accr-submission-recommends = Recommande :
accr-submission-score = { $criterion } : niveau { $level }
accr-summary-title-one = Synthèse de { $n } évaluation
accr-summary-title-other = Synthèse de { $n } évaluations
accr-summary-hint = La synthèse éclaire la décision ; elle ne la prend jamais.
accr-summary-col-criterion = Critère
accr-summary-col-scores = Notes
accr-summary-col-mean = Moyenne
accr-summary-col-pass = Niveau requis
accr-summary-col-notes = Remarques
accr-summary-below-pass = sous le niveau requis
accr-summary-disagree = évaluateurs en désaccord
accr-summary-recommendations = Recommandations :
accr-summary-recommendation-count = { $outcome } : { $count }
# Suivi du résultat en gras, d’un point et de la phrase qui l’explique
accr-summary-suggested = Résultat suggéré :
accr-review-title = Votre évaluation selon { $standard }
accr-review-hint = Choisissez un niveau pour chaque critère. Vous voyez les évaluations des autres évaluateurs une fois la vôtre rendue ; vous n’évaluez qu’une fois.
accr-review-pass-level = (satisfait au référentiel à partir du niveau { $level })
accr-review-criterion-comment = Commentaire sur « { $criterion } »
accr-review-overall-comment = Commentaire général
accr-review-recommendation = Votre recommandation
accr-review-submit = Envoyer l’évaluation
accr-decide-title = Décider
accr-decide-hint = Une décision d’accréditation est signée par { $accreditor } comme approbation Open Badges 3.0 du module, publique et vérifiable ; la retirer plus tard révoque l’approbation.
accr-decide-rationale-hint = (ce que les évaluations ont relevé et ce sur quoi la décision repose)
accr-decide-conditions-hint = (uniquement pour « accrédité sous conditions »)
accr-decide-conditions-due = Échéance des conditions
accr-decide-conditions-due-hint = (avant la fin de validité)
accr-decide-submit = Enregistrer la décision
accr-progress-title = Où en est le dossier
accr-progress-reviewers-one = { $n } évaluateur désigné, { $done } évaluation(s) rendue(s).
accr-progress-reviewers-other = { $n } évaluateurs désignés, { $done } évaluation(s) rendue(s).
accr-progress-later = Vous verrez ici les évaluations et la décision dès que { $accreditor } aura statué.

# Refus d’un formulaire sur les pages d’un dossier et d’une décision
accr-error-date = « { $value } » n’est pas une date comme 2028-12-31
accr-error-outcome = choisissez un résultat
accr-error-recommendation = choisissez le résultat que vous recommandez
accr-error-level = « { $value } » n’est pas un niveau de { $criterion }
accr-error-reviewer = choisissez un évaluateur dans la liste
accr-error-version = choisissez une version publiée plus récente
accr-error-module = choisissez l’un de vos modules
accr-error-choice = choisissez un organisme accréditeur et son référentiel

# Une décision (accreditation_decision.html)
accr-decision-title = { $outcome } : { $module }
accr-decision-back = Le dossier
# Une seule phrase autour du titre du module, qui est un lien : « … sur <module> de <organisme> »
accr-decision-byline-start = { $accreditor } a statué le { $date } sur
accr-decision-byline-end = de { $provider }
accr-decision-standing = Statut : { $standing }
accr-decision-valid = Valable du { $from } au { $until }
accr-decision-withdrawn = Retirée le { $date } : { $reason }
accr-decision-json = la certification signée (JSON)
accr-decision-versions = Versions couvertes
accr-decision-version = Version { $n } : { $via } le { $date }
accr-decision-version-reason = « { $reason } »
accr-decision-versions-hint = Une version ultérieure n’est couverte que si l’organisme de formation la déclare comme modification mineure ; sinon, elle demande un nouveau dossier.
accr-decision-minor = Déclarer une modification mineure
accr-decision-minor-version = Version publiée ultérieure
accr-decision-minor-why = Pourquoi elle ne demande pas de nouvelle évaluation
accr-decision-minor-why-hint = ({ $accreditor } le verra)
accr-decision-due = À lever avant le { $date }
accr-decision-met = levées le { $date }
accr-decision-response = La réponse de l’organisme de formation
accr-decision-response-label = Comment vous remplissez les conditions
accr-decision-response-submit = Envoyer la réponse
accr-decision-confirm-met = Confirmer la levée des conditions
accr-decision-withdraw-title = Retirer l’accréditation
accr-decision-withdraw-hint = L’approbation est révoquée immédiatement : le catalogue, la page du module et chaque vérificateur cessent d’en tenir compte.
accr-decision-reason = Motif
accr-decision-reason-hint = (l’organisme de formation le verra)
accr-decision-withdraw = Retirer

# Les dossiers de l’organisme de formation (accreditation_submissions.html)
accr-provider-title = Dossiers d’accréditation de { $org }
accr-provider-intro = Déposez un module publié, avec ses évaluations, auprès d’un organisme accréditeur. Ses évaluateurs le notent selon son référentiel ; une décision d’accréditation est signée comme approbation publique et vérifiable, et affichée dans le catalogue.
accr-provider-submit-title = Déposer un module
# Une phrase puis un lien : « L’Académie n’a pas encore de module. Rédigez-en un. »
accr-provider-no-modules = { $org } n’a pas encore de module.
accr-provider-write-one = Rédigez-en un
accr-provider-no-standards = Aucun organisme accréditeur n’a encore publié de référentiel.
accr-provider-module-hint = (sa version publiée actuelle est déposée)
accr-provider-choice = Organisme accréditeur et référentiel
accr-provider-note = Note à l’organisme accréditeur
accr-provider-submit = Déposer pour accréditation
accr-provider-list = Dossiers
accr-provider-list-empty = Aucun dossier déposé pour l’instant.
accr-provider-due = (échéance { $due })
accr-provider-due-met = (échéance { $due } ; levées le { $met })
accr-provider-due-answered = (échéance { $due } ; réponse le { $answered })
# Un module dans la liste du formulaire de dépôt
accr-provider-module-published = { $title } (version { $n })
accr-provider-module-draft-after = { $title } (sa version publiée actuelle ; la version { $n } est un brouillon)
accr-provider-module-draft = { $title } (brouillon : publiez-le d’abord)

# Le registre (registry.html)
registry-title = Registre des organismes accréditeurs et émetteurs reconnus
registry-heading = Organismes accréditeurs et émetteurs reconnus
# Un seul paragraphe ; les trois noms de périmètre entre les morceaux sont en gras :
# « … trois périmètres : accréditation (…), réalisations (…) et relevés (…). La vérification … »
registry-intro-start = Les exploitants de cette plateforme tiennent cette liste des identifiants (DID) qu’ils reconnaissent, chacun pour un ou plusieurs de trois périmètres :
registry-intro-accreditation = (approuver les modules et réalisations d’autres organismes),
registry-intro-achievements = (délivrer des badges et des micro-certifications) et
registry-intro-transcripts = (délivrer des relevés CLR).
registry-intro-end = La vérification indique si l’émetteur et les approbateurs d’une certification y figurent, à côté des contrôles et jamais à leur place : une certification n’est valide que si tous les contrôles réussissent.
registry-scope-accreditation = accréditation
registry-scope-achievements = réalisations
registry-scope-transcripts = relevés
registry-download = Télécharger le registre (JSON)
# Suivi de l’adresse de l’API
registry-also-at = aussi à l’adresse
registry-problems = Rien n’a été modifié : { $n } problème(s) à corriger
registry-count = Entrées reconnues : { $n }
registry-empty = Le registre est vide : tout émetteur est signalé comme non reconnu.
registry-col-name = Nom
registry-col-did = DID
registry-col-scopes = Périmètres
registry-col-note = Note
registry-col-updated = Mis à jour le
registry-remove = Retirer
registry-add-title = Ajouter ou mettre à jour une entrée
registry-did-hint = (did:key:z… ou did:web:… ; un DID existant est mis à jour)
registry-name = Nom
registry-scopes-legend = Reconnu pour
registry-note = Note
registry-optional = (facultatif)
registry-save = Enregistrer l’entrée
registry-recognize-title = Reconnaître un organisme de cette plateforme
registry-recognize-hint = L’ajoute sous l’identifiant avec lequel il signe aujourd’hui ; les organismes accréditeurs sont reconnus pour l’accréditation, les émetteurs pour les réalisations. Un organisme qui n’a encore rien signé n’a pas d’identifiant.
registry-organization = Organisme
registry-recognize = Reconnaître
registry-import-title = Importer
# Autour d’un exemple de document JSON : « Un document JSON comme le téléchargement : {…}. Il est d’abord vérifié en entier : … »
registry-import-hint-start = Un document JSON comme celui du téléchargement :
registry-import-hint-end = Il est d’abord vérifié en entier : au moindre problème, rien ne change et chaque problème est signalé.
registry-import-file = Fichier JSON
registry-import-paste = Ou collez-le
registry-import-paste-hint = (utilisé si aucun fichier n’est choisi)
registry-import-mode = Mode
registry-import-merge = fusionner : ajouter les nouveaux DID, mettre à jour ceux listés, garder les autres
registry-import-replace = remplacer : le fichier devient tout le registre
registry-import-submit = Vérifier et importer
registry-form-not-understood = Formulaire incompris
registry-upload-unreadable = Le fichier envoyé n’a pas pu être lu. Réessayez.
registry-form-unreadable = Le formulaire n’a pas pu être lu : { $error }.
registry-form-refused = Formulaire refusé
registry-form-refused-text = Ce formulaire ne vient pas d’une page de Cairn, ou il a expiré. Revenez en arrière, rechargez la page et réessayez.
registry-json-where = ligne { $line }, colonne { $column }
registry-not-json = ce n’est pas du JSON ({ $error }) ; un registre est un seul document JSON
registry-imported = Import terminé : { $added } ajoutée(s), { $updated } mise(s) à jour, { $removed } retirée(s) ; { $total } entrée(s) au total.

# Qui a émis une certification, à côté des contrôles (trust_findings.html)
trust-party-issuer = Émetteur
trust-party-endorser = Approbateur
trust-status-recognized = reconnu
trust-status-other-scope = reconnu pour un autre périmètre
trust-status-unknown = non reconnu
trust-signature-verified = signature de l’approbation vérifiée
trust-signature-not-verified = signature de l’approbation NON vérifiée
trust-finding = { $party } : { $status }.
trust-registry-name = Nom dans le registre : { $name }
trust-endorsement-link = l’approbation
trust-registry-link = Qui cette plateforme reconnaît

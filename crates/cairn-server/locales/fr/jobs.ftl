# Opérations longues (imports, attributions en masse, imports CIM-11) et pages des affectations.

# Page d’une opération et liste des opérations d’une personne
job-kind-workers = Import de salariés
job-kind-assignments = Import d’affectations
job-kind-bulk-award = Attribution en masse
job-kind-icd11 = Import CIM-11
# Titre d’une opération : son type, puis ce sur quoi elle porte (un nom de fichier, un badge)
job-title = { $kind } : { $label }
# Ce sur quoi porte une opération dont les lignes ont été collées plutôt qu’envoyées en fichier
job-pasted = lignes collées
job-state-queued = en attente
job-state-running = en cours
job-state-succeeded = terminée
job-state-failed = en échec
job-state-interrupted = interrompue
job-status-line = { $state } : { $done } sur { $total } appliqués ({ $percent } %)
job-count = { $done } sur { $total }
job-started-at = Lancée le { $when }
job-ended-at = terminée le { $when }
job-progress-heading = Avancement
job-bar-label = Lignes appliquées
job-leave-hint = Vous pouvez quitter cette page : le travail continue, et vos opérations longues sont listées sous votre nom. La page se met à jour seule ; sans JavaScript,
job-refresh = Actualiser
job-result-heading = Résultat
job-so-far-heading = Appliqué jusqu’ici
# Une ligne de résultat : ce qui est compté, puis combien
job-result-line = { $label } : { $value }
job-interrupted = Le serveur s’est arrêté pendant l’opération : { $done } sur { $total } ont été appliqués et sont conservés ; les { $rest } autres ne l’ont pas été. Relancez-la avec les lignes non appliquées.
job-failed = L’opération s’est arrêtée sur une erreur après { $done } sur { $total } appliqués (ils sont conservés) : { $reason }
job-mine-heading = Vos opérations longues
job-mine-intro = Les imports et attributions en masse que vous avez lancés, du plus récent au plus ancien. Ils continuent si vous quittez leur page ; revenez ici pour suivre leur avancement.
job-mine-empty = Vous n’avez lancé aucune opération longue.
job-col-what = Opération
job-col-started = Lancée
job-col-state = État
job-col-progress = Appliqué

# Imports de salariés et d’affectations
import-workers-heading = Importer des salariés
import-assignments-heading = Importer des affectations
# Les cinq morceaux suivants forment un paragraphe, séparés par des noms de colonnes (kind, target, due_on, note)
import-assignments-intro = Chaque ligne affecte une formation à un membre de { $org }.
import-assignments-intro-kind = vaut module, assessment ou achievement ;
import-assignments-intro-target = est son identifiant ou son titre exact ;
import-assignments-intro-due = est une date comme 2026-12-31, aujourd’hui ou plus tard ;
import-assignments-intro-note = est facultative. Un salarié qui a déjà la même affectation en cours est ignoré.
# Les deux morceaux suivants forment un paragraphe, séparés par le nom de colonne job_title
import-workers-intro = Chaque ligne rend une personne membre (apprenant) de { $org } — avec un nouveau compte si l’adresse e-mail est nouvelle —, l’ajoute à l’équipe et l’en informe. L’équipe doit exister ;
import-workers-intro-job = est facultatif.
# Les deux morceaux suivants forment une phrase, séparés par la ligne d’en-tête
import-header-before = La première ligne doit nommer les colonnes :
import-header-after = . Par exemple :
import-checked-first = Tout le fichier est vérifié d’abord : si une ligne pose problème, rien n’est importé et chaque problème est listé. Au plus { $max } lignes, 1 Mio, enregistré en CSV UTF-8.
# Suivi d’un lien vers les opérations longues de la personne
import-background = Un fichier correct est ensuite importé en arrière-plan : suivez-le, partez et revenez depuis
import-problems-heading = Rien n’a été importé : { $count } problème(s) à corriger
import-problems-fix = Corrigez chaque ligne listée ci-dessous et envoyez à nouveau le fichier.
import-col-row = Ligne
import-col-column = Colonne
import-col-problem = Problème
import-upload-heading = Envoi
import-file = Fichier CSV
import-paste = Ou collez les lignes
import-paste-hint = (utilisées si aucun fichier n’est choisi)
import-submit = Vérifier et importer
import-too-large = Le fichier est trop volumineux ; envoyez au plus { $limit } à la fois.
# La taille maximale d’un fichier CSV, insérée dans import-too-large
import-limit = 1 Mio
import-rows-read = lignes lues
import-new-accounts = nouveaux comptes
import-members-added = membres ajoutés
import-already-members = déjà membres
import-teams-joined = ajouts à une équipe
import-assignments-made = affectations créées
import-skipped = ignorées (le salarié l’avait déjà en cours)

# Attribution en masse
bulk-heading = Attribution en masse
bulk-intro = Délivrez une certification d’un badge de { $org } à chaque personne d’une liste d’adresses e-mail. Celles qui en détiennent déjà une valide sont ignorées ; les adresses sans compte Cairn sont listées et ne reçoivent rien.
bulk-format = Une adresse par ligne, ou un fichier CSV dont la première ligne nomme une colonne email. Chaque adresse est vérifiée d’abord : si l’une n’est pas une adresse e-mail, rien n’est délivré. Au plus { $max } adresses, 1 Mio. Les certifications sont ensuite délivrées en arrière-plan.
bulk-problems-heading = Rien n’a été délivré : { $count } problème(s) à corriger
bulk-problems-fix = Corrigez chaque adresse listée ci-dessous et renvoyez la liste.
bulk-form-heading = Choisir et envoyer
bulk-no-achievements = Cet organisme n’a encore aucun badge : définissez-en un avant de l’attribuer.
bulk-achievement = Badge
bulk-choose = Choisissez un badge
bulk-file = Fichier d’adresses e-mail (CSV)
bulk-paste = Ou collez les adresses, une par ligne
bulk-paste-hint = (utilisées si aucun fichier n’est choisi)
bulk-submit = Vérifier et attribuer
bulk-choose-achievement = choisissez le badge à attribuer
bulk-addresses-read = adresses lues
bulk-issued = certifications délivrées
bulk-already-held = ignorées (en détenaient déjà une valide)
bulk-repeated = adresses données plusieurs fois
bulk-unknown-count = adresses sans compte Cairn
bulk-unknown-heading = Adresses sans compte Cairn
bulk-unknown-hint = Rien ne leur a été délivré. Vérifiez l’orthographe, ou demandez à ces personnes de créer un compte, puis attribuez-leur à nouveau.
bulk-unknown-more = … et { $count } de plus.

# Import CIM-11 (opérateurs de la plateforme)
icd-heading = Importer la CIM-11
icd-home = Accueil
icd-loaded = Chargée : version { $version } issue de { $source }, importée le { $when }, { $count } catégories.
icd-none-loaded = Aucune version de la CIM-11 n’est encore chargée.
icd-intro = Envoyez la tabulation simple CIM-11 MMS de l’OMS, sous forme du zip publié par l’OMS ou du fichier texte qu’il contient. Le fichier est d’abord lu et vérifié ; la version qu’il contient remplace ensuite la version chargée en arrière-plan, en une seule étape : d’ici là, la version actuelle reste utilisée.
icd-upload-heading = Envoyer une version
icd-file = Fichier de tabulation
icd-file-hint = (zip ou txt, 32 Mio au plus)
icd-submit = Vérifier et importer
icd-choose-file = Choisissez le fichier de tabulation à envoyer.
# La taille maximale d’une tabulation, insérée dans import-too-large
icd-limit = 32 Mio
icd-release = version
icd-chapters = chapitres
icd-blocks = blocs
icd-categories = catégories
icd-extension-codes = codes d’extension

# Affectations : liste d’un responsable et liste personnelle d’un salarié
assign-list-title = Affectations de { $org }
assign-list-intro = Les formations que vous demandez à vos salariés de suivre avant une date. Leur réalisation se lit dans leurs traces d’apprentissage : module terminé, évaluation réussie, certification valide.
assign-notice-skipped = Affecté à { $count } salarié(s) ; { $skipped } l’avaient déjà en cours et n’ont pas été modifiés.
assign-notice = Affecté à { $count } salarié(s) ; chacun a été prévenu.
assign-download-csv = Télécharger ces affectations en CSV
assign-import-assignments = Importer des affectations depuis un CSV
assign-import-workers = Importer des salariés depuis un CSV
assign-progress-heading = Avancement par équipe
assign-no-teams = Cet organisme n’a encore aucune équipe.
# Texte de la barre d’avancement d’une équipe, lu par les lecteurs d’écran
assign-team-done = { $team } : réalisé
assign-col-team = Équipe
assign-col-progress = Avancement
assign-col-assigned = Affectées
assign-col-done = Réalisées
assign-col-overdue = En retard
assign-list-heading = Affectations
assign-all-teams = Toutes les équipes
assign-col-state = État
assign-any-state = Tous les états
assign-show = Afficher
assign-none-match = Aucune affectation ne correspond.
assign-col-worker = Salarié
assign-col-todo = À faire
assign-col-due = Échéance
assign-col-note = Note
assign-col-actions = Actions
assign-col-from = De
assign-state-open = en cours
assign-state-overdue = en retard
assign-state-done = réalisée
assign-kind-module = module
assign-kind-assessment = évaluation
assign-kind-achievement = badge
assign-cancel-label = Annuler { $title } pour { $worker }
assign-cancel = Annuler
assign-form-heading = Affecter une formation
assign-kind = Type
assign-target = Titre ou identifiant
assign-target-hint = (module ou évaluation publiés, ou badge ; titre exact)
assign-due-on = Échéance
assign-to-team = À toute une équipe
assign-optional = (facultatif)
assign-no-team = Aucune équipe
assign-to-workers = Et/ou à ces salariés
assign-to-workers-hint = (Ctrl ou ⌘ pour en choisir plusieurs)
assign-note = Note aux salariés
assign-submit = Affecter
assign-error-kind = choisissez module, évaluation ou badge
assign-error-due = indiquez l’échéance au format année-mois-jour, par exemple 2026-12-31
assign-error-team = choisissez une équipe
assign-mine-title = Vos affectations
assign-mine-intro = Les formations que vos organismes vous ont demandé de suivre, par échéance. Chacune est marquée réalisée dès que vos traces d’apprentissage le montrent : module terminé, évaluation réussie, certification détenue.
assign-mine-empty = Aucune formation ne vous est affectée.

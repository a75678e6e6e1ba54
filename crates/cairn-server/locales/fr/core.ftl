# L’interface de Cairn en français : le cadre commun, la connexion, l’accueil, le
# catalogue, les certifications, les parcours empilables et les notifications.

# Le cadre de chaque page
site-name = Cairn
skip-to-content = Aller au contenu
footer-tagline = Cairn — des certifications empilables et vérifiables pour les professionnels de santé.
language-switch-label = Langue
language-unknown-heading = Langue non disponible
language-unknown = Cairn n’est pas disponible en « { $tag } ». Choisissez l’une des langues proposées au bas de chaque page.

# Noms des notions du domaine, communs à toutes les pages
role-admin = administrateur
role-manager = responsable
role-author = auteur
role-assessor = évaluateur
role-reviewer = examinateur
role-learner = apprenant
org-kind-employer = employeur
org-kind-provider = organisme de formation
org-kind-accreditor = organisme accréditeur
org-kind-issuer = émetteur
credential-state-valid = valide
credential-state-suspended = suspendue
credential-state-revoked = révoquée

# Messages que toute page peut afficher
form-too-large-heading = Formulaire trop volumineux
form-too-large = Ce formulaire dépasse la taille acceptée par Cairn.
form-unreadable-heading = Formulaire incompréhensible
form-unreadable = Le formulaire n’a pas pu être lu : { $reason }.
form-refused-heading = Formulaire refusé
form-refused = Ce formulaire ne vient pas d’une page de Cairn, ou il a expiré. Revenez en arrière, rechargez la page et réessayez.
page-not-found-heading = Page introuvable
page-not-found = Aucune page ne se trouve à cette adresse. Vérifiez le lien, ou repartez de la page d’accueil.
not-found-heading = Introuvable
not-found = Introuvable : { $what }.
not-allowed-heading = Accès refusé
not-allowed = Vous ne pouvez pas voir cette page : { $reason }.
error-ours-heading = Une erreur s’est produite
error-ours = Une erreur s’est produite de notre côté. Veuillez réessayer.
message-home-link = Aller à la page d’accueil

# Navigation d’une personne connectée
nav-account-label = Compte
nav-catalog = Catalogue
nav-verify = Vérifier
nav-notifications = Notifications
nav-sign-out = Se déconnecter

# Connexion et déconnexion
signin-title = Se connecter
signin-nav-label = Public
signin-nav-verify = Vérifier une certification
signin-email = Adresse e-mail
signin-password = Mot de passe
signin-form-expired = Ce formulaire a expiré ou vient d’un autre site. Veuillez vous reconnecter.
signin-too-many = Trop de tentatives de connexion depuis votre réseau. Attendez { $seconds } secondes et réessayez.
signout-refused-heading = Déconnexion refusée
signout-refused = Cette demande de déconnexion ne vient pas d’une page de Cairn. Utilisez le bouton Se déconnecter.

# Accueil
home-title = Accueil
home-welcome = Bienvenue, { $name }
home-wallet-heading = Vos certifications
home-wallet-how-earned = Comment elle a été obtenue
home-wallet-stacks = Vos parcours empilables : ce qui est acquis, ce qui manque, le chemin vers chacun
home-wallet-clr = Télécharger votre relevé d’apprentissage complet (CLR 2.0)
home-no-role = Vous n’avez encore aucun rôle dans une organisation. Demandez à un administrateur de votre organisation de vous ajouter.
home-panel-at = chez { $org }
home-platform-heading = Plateforme
home-platform-intro = Vous exploitez cette installation de Cairn. Organisations présentes :
home-fact-team = Votre équipe : { $teams }
home-fact-team-size = { $team } — { $people } personnes
home-fact-issued = { $count } certifications délivrées
home-fact-members = { $count } membres
home-fact-tokens = { $count } jetons d’API
home-link-find-modules-in-the = Trouver des modules dans le catalogue
home-link-your-evidence-and-its = Vos preuves et leur évaluation
home-link-your-stacks-and-pathways = Vos parcours empilables et vos itinéraires
home-link-what-you-share-with = Ce que vous partagez avec vos employeurs
home-link-your-assignments = Vos formations assignées
home-link-workforce-teams-roles-and = Effectifs : équipes, postes et écarts
home-link-assignments-and-team-progress = Formations assignées et progression des équipes
home-link-your-modules = Vos modules
home-link-item-bank = Banque de questions
home-link-assessments = Évaluations
home-link-rubrics = Grilles d’évaluation
home-link-assessor-agreement = Concordance des évaluateurs
home-link-accreditation-submissions = Demandes d’accréditation
home-link-your-review-queue = Votre file d’évaluation
home-link-awards-and-their-signing = Attributions et leur signature
home-link-stacked-credentials-and-their = Certifications empilables et leur éditeur
home-link-modules = Modules
home-link-accreditation-queue-and-decisions = File d’accréditation et décisions
home-link-review-standards = Référentiels d’examen
home-link-your-accreditation-reviews = Vos examens d’accréditation
home-role-heading-learner = Votre apprentissage
home-role-summary-learner = Trouvez des modules adaptés à votre objectif, obtenez des certifications qui vous appartiennent et voyez ce qui vous sépare des postes visés.
home-role-heading-manager = Vos effectifs
home-role-summary-manager = Consultez vos équipes, les écarts entre vos collaborateurs et les postes à pourvoir, et qui est prêt à évoluer.
home-role-heading-admin = Administration
home-role-summary-admin = Gérez les membres, les rôles, les jetons d’API et le journal d’audit de cette organisation.
home-role-heading-author = Conception
home-role-summary-author = Rédigez des modules de micro-apprentissage et des banques de questions, versionnez-les et soumettez-les à l’accréditation.
home-role-heading-assessor = Évaluation
home-role-summary-assessor = Évaluez les preuves des apprenants au regard des grilles et consignez des décisions motivées.
home-role-heading-reviewer = Examen d’accréditation
home-role-summary-reviewer = Examinez les versions de modules au regard des référentiels publiés et recommandez une décision.
home-link-org = Ouvrir l’organisation

# Page d’une organisation
org-your-roles = vos rôles : { $roles }
org-teams-heading = Équipes
org-teams-caption = Équipes et effectifs
org-team = Équipe
org-people = Personnes
org-members-heading = Membres
org-members-caption = Membres, leurs rôles et leurs postes
org-name = Nom
org-role = Rôle
org-job = Poste
org-email = E-mail
org-member-pages = Pages des membres
pager-previous = Précédent
pager-next = Suivant
org-tokens-heading = Jetons d’API
org-tokens-none-before = Aucun jeton d’API. Créez-en un avec
org-tokens-none-after = .
org-status = Statut
token-active = actif
token-revoked = révoqué
token-expired = expiré
org-activity-heading = Activité récente

# Page publique d’une certification et son certificat imprimable
credential-not-found-heading = Certification introuvable
credential-not-found-link = Cette adresse ne correspond à aucune certification. Vérifiez le lien que vous avez suivi.
credential-not-found = Aucune certification n’a cette adresse. Elle a peut-être été mal saisie.
credential-kind-micro = Micro-certification
credential-kind-nano = Nano-diplôme
credential-kind-certificate = Certificat
credential-kind-badge = Badge
credential-kind-credential = Certification
credential-kind-endorsement = Reconnaissance (accréditation)
credential-recipient-hashed = Un apprenant identifié par une adresse e-mail privée et hachée
credential-status-active = active
credential-status-suspended = suspendue par l’émetteur
credential-status-revoked = révoquée par l’émetteur
credential-issued-by = délivrée par { $issuer }
verdict-verified = Vérifiée.
verdict-not-valid = Non valide.
credential-verified-detail = Cette certification est authentique, intacte et actuellement valide.
credential-issued-to = Délivrée à
credential-issued-on = Délivrée le
credential-valid-until = Valide jusqu’au
credential-status = Statut
credential-issuer-id = Identifiant de l’émetteur
credential-criteria = Critères
credential-checks = Contrôles
passed = réussi
failed = échoué
skipped = non effectué
credential-who-issued = Qui l’a délivrée
credential-qr-label = Code QR du lien de vérification de cette certification
credential-qr-caption = Scannez pour vérifier cette certification, ou partagez son lien de vérification :
credential-download-json = Télécharger la certification (JSON)
credential-download-jwt = Télécharger au format vc+jwt
credential-download-badge = Télécharger l’image du badge contenant la certification (SVG)
credential-certificate-link = Certificat imprimable avec code QR
credential-linkedin = Ajouter à votre profil LinkedIn
credential-linkedin-note = (ouvre LinkedIn)
credential-verify-another = Vérifier une autre certification
certificate-title = Certificat : { $name }
certificate-back = Retour à la certification
certificate-print-hint = Imprimez cette page avec la commande Imprimer de votre navigateur (Ctrl+P ou ⌘P) ; l’en-tête, le pied de page et cette ligne ne sont pas imprimés.
certificate-awarded-to = décerné à
certificate-by = par
certificate-on = le
certificate-valid-until = , valide jusqu’au
certificate-verified = Vérifié lors de la création de cette page : authentique, intact et { $state }.
certificate-not-valid = Non valide lors de la création de cette page ({ $state }).
certificate-qr-caption = Scannez ou ouvrez ce lien pour le vérifier maintenant :

# Vérifier une certification
verify-title = Vérifier une certification
verify-intro = Collez une certification Open Badges 3.0 (JSON ou vc+jwt), ou déposez une image de badge contenant la certification (PNG ou SVG) ou un fichier JSON. Rien de ce que vous envoyez n’est conservé.
verify-credential-text = Texte de la certification
verify-file = …ou un fichier
verify-button = Vérifier
verify-result = Résultat
verify-verified-detail = Authentique, intacte et actuellement valide.
verify-not-valid-detail = Consultez les contrôles échoués ci-dessous.
verify-too-many = Trop de vérifications depuis votre réseau. Attendez { $seconds } secondes et réessayez.
verify-upload-unreadable = Le fichier envoyé n’a pas pu être lu : { $reason }
verify-form-unreadable = Le formulaire n’a pas pu être lu : { $reason }
verify-nothing = Collez une certification ou choisissez un fichier à vérifier.

# Notifications
notifications-none = Rien pour l’instant. Cairn vous prévient ici lorsqu’une certification vous est décernée, arrive à expiration ou change.
notifications-all-read = Tout est lu.
notifications-unread = { $count } non lue(s).
notifications-mark-all = Tout marquer comme lu
notifications-unread-badge = Non lue
notifications-open = Ouvrir
notifications-mark-read = Marquer comme lue
certificate-named-for-holder = Votre nom est imprimé parce que vous êtes connecté en tant que titulaire ; la certification elle-même ne vous identifie que par une adresse e-mail privée et hachée, et c’est ce que voit un vérificateur.
home-link-achievements = Réalisations : badges et conditions d’obtention
home-link-signing-keys = Clés de signature et identité de l’émetteur

# Le panneau de l’exploitant et une organisation vue par l’exploitant
home-link-registry = Le registre des organismes accréditeurs et émetteurs reconnus
home-new-org-heading = Créer une organisation
home-new-org-intro = Un employeur, un organisme de formation, un organisme accréditeur ou un émetteur rejoint Cairn ici, avec la personne qui l’administrera.
home-new-org-name = Nom
home-new-org-slug = Nom court pour les adresses (facultatif)
home-new-org-slug-hint = Lettres minuscules, chiffres et tirets, comme dans /orgs/riverside-health. Tiré du nom s’il est laissé vide.
home-new-org-slug-taken = Une autre organisation a déjà ce nom court. Choisissez-en un autre.
home-new-org-kinds = Son activité sur Cairn
home-new-org-kind-employer = Employeur : équipes, postes, écarts et formations assignées
home-new-org-kind-provider = Organisme de formation : modules et évaluations
home-new-org-kind-accreditor = Organisme accréditeur : examine et reconnaît des modules
home-new-org-kind-issuer = Émetteur : signe des certifications
home-new-org-admin = Son premier administrateur
home-new-org-admin-hint = L’adresse e-mail d’un compte existant, ou l’adresse, le nom et un premier mot de passe pour un nouveau compte, à lui transmettre.
home-new-org-admin-email = Adresse e-mail de l’administrateur
home-new-org-admin-name = Nom de l’administrateur (nouveau compte)
home-new-org-admin-password = Premier mot de passe (nouveau compte)
home-new-org-admin-password-hint = Au moins 10 caractères. Transmettez-le à la personne, qui pourra le changer.
home-new-org-submit = Créer l’organisation
org-operator-view = Vous exploitez cette installation de Cairn. Vous voyez ce qu’est cette organisation ; ses membres et ses données sont réservés à ses membres et administrateurs.

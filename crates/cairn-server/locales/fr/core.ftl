# L’interface de Cairn en français : le cadre commun, la connexion, l’accueil, le
# catalogue, les certifications, les parcours empilables et les notifications.

# Le cadre de chaque page
site-name = Cairn
skip-to-content = Aller au contenu
footer-tagline = Cairn — des certifications empilables et vérifiables pour les professionnels de santé.
language-switch-label = Langue
language-unknown-heading = Langue non disponible
language-unknown = Cairn n’est pas disponible en « { $tag } ». Choisissez l’une des langues proposées au bas de chaque page.

# Pages des effectifs : tableau de bord des équipes et carte de chaleur, profils de poste
# et leur éditeur, candidats, profil et écarts d’un professionnel, certifications arrivant
# à échéance, et la page de partage du professionnel. Ids : wf- (pages du responsable et
# images) ou sharing-.

# Communs à plusieurs pages
wf-dash-title = Effectifs de { $org }
wf-roles-title = Profils de poste de { $org }
wf-no-roles = Aucun profil de poste pour l’instant.
wf-role-label = Poste
# Fin d’un lien lue par les lecteurs d’écran (« CSV pour Équipe de codage »).
wf-sr-for = pour { $name }
wf-download = Télécharger :
wf-col-role = Poste
wf-col-team = Équipe
wf-col-worker = Professionnel
wf-col-version = Version
wf-col-name = Nom
wf-col-requirement = Exigence
wf-col-requirements = Exigences
wf-col-competency = Compétence
wf-col-credential = Certification
wf-col-issuer = Émetteur
wf-whole-org = Toute l’organisation
# « 3 sur 8 » : combien sur combien
wf-n-of-m = { $n } sur { $total }
wf-percent = { $n } %

# Durées et délais
wf-duration-min = { $m } min
wf-duration-h = { $h } h
wf-duration-h-min = { $h } h { $m } min
wf-ready-now = prêt dès maintenant
wf-ready-about = environ { $time }
wf-ready-unknown = inconnu (un écart n’a pas de parcours)

# Tableau de bord (workforce_dashboard.html)
wf-dash-intro = Vos équipes, les postes dont vous avez besoin et la façon dont vos professionnels les couvrent. Les chiffres ne comptent que ce que vos professionnels vous laissent voir : les certifications délivrées par { $org } et celles qu’ils ont partagées avec vous.
wf-dash-link-roles = Profils de poste et modèles
wf-dash-link-candidates = Qui est presque prêt pour ce poste
wf-dash-link-expiring = Certifications arrivant à échéance dans les 30, 60 ou 90 jours
wf-dash-link-gap-csv = Tous les postes : combien de professionnels remplissent quelles exigences (CSV)
wf-dash-coverage-heading = Couverture d’un poste, équipe par équipe
# wf-no-roles, ce lien, puis un point forment une seule phrase.
wf-dash-no-roles-link = Copiez l’un des sept modèles ou rédigez le vôtre
wf-dash-show-role = Afficher le poste
wf-dash-heat-intro = Chaque case : la part de l’équipe qui remplit l’exigence, et combien sur combien.
wf-dash-download-org = Télécharger la couverture de ce poste pour toute l’organisation :
wf-dash-teams-heading = Équipes
wf-dash-no-teams = Aucune équipe pour l’instant : la carte de chaleur compte toute l’organisation comme une seule équipe.
wf-dash-col-members = Membres
wf-dash-col-coverage = Couverture du poste
wf-heat-title-by-team = { $role }, par équipe
wf-heat-title-whole = { $role }, toute l’organisation

# La carte de chaleur et son tableau (workforce_heat.html)
wf-heat-region-label = Carte de chaleur (défile horizontalement sur les petits écrans)
wf-heat-table-summary = Les mêmes chiffres sous forme de tableau
wf-heat-table-caption = Professionnels remplissant chaque exigence, par équipe
wf-cell-no-workers = aucun professionnel
wf-cell-count = { $met } sur { $total } ({ $share })
wf-cell-count-partly = { $met } sur { $total } ({ $share }), { $partly } en partie
wf-req-label-code = { $code } { $name } (niveau { $level })
wf-req-label = { $name } (niveau { $level })
wf-req-code-level = { $code } (niveau { $level }) { $name }
wf-req-level = Niveau { $level } : { $name }

# Profils de poste (workforce_roles.html)
wf-roles-intro = Un profil de poste décrit ce qu’exige un emploi : des compétences à un niveau minimal, ou des titres à détenir. Chaque modification crée une nouvelle version ; les versions précédentes restent consignées.
wf-roles-current-heading = Vos profils de poste
wf-roles-none = Aucun pour l’instant.
wf-roles-none-manage = Aucun pour l’instant : copiez un modèle ci-dessous ou rédigez-en un.
wf-roles-col-changed = Modifié le
wf-roles-col-candidates = Candidats
wf-roles-from-template = (d’après un modèle)
wf-roles-ranked-candidates = Candidats classés
wf-roles-download-list = Télécharger la liste :
wf-roles-write-new = Rédiger un nouveau profil de poste
wf-roles-templates-heading = Partir d’un modèle
wf-roles-templates-intro = Sept postes types, dont les exigences sont tirées du référentiel Healthcare Workforce Versatility Framework (niveaux : 1 fondamental, 2 opérationnel, 3 confirmé, 4 expert). Une copie vous appartient et se modifie librement.
wf-roles-template-needs = Exige { $list }
wf-roles-template-requirement = { $code } (niveau { $level })
wf-roles-copy = Copier « { $name } »
wf-not-found = Introuvable : { $what }

# Un profil de poste (workforce_role.html)
wf-role-version = Version { $version }
wf-role-from-template = copié à l’origine d’un modèle
wf-role-link-candidates = Qui est presque prêt : candidats classés
wf-role-link-coverage = Couverture équipe par équipe
wf-role-link-edit = Modifier le poste (crée la version { $next })
wf-role-needs-heading = Ce qu’exige le poste
wf-role-coverage-heading = Couverture dans { $org }
wf-role-workers-counted = { $count } professionnels comptés, d’après ce que chacun laisse voir à { $org }.
wf-role-versions-heading = Versions
wf-role-col-made = Créée le
wf-role-archive-hint = L’archivage retire le poste des listes ; ses versions restent consignées.
wf-role-archive = Archiver « { $name } »

# L’éditeur de poste (workforce_role_edit.html)
wf-edit-title-change = Modifier { $name }
wf-edit-heading-change = Modifier le poste { $name }
wf-edit-new = Nouveau profil de poste
wf-edit-back = Profils de poste
wf-edit-saving-makes = L’enregistrement crée la version { $next } ; la version { $version } et les précédentes restent consignées.
wf-edit-name = Nom
wf-edit-description = Description
wf-edit-requirements = Exigences
wf-edit-requirements-hint = Une par ligne : une compétence avec le niveau minimal exigé par le poste, ou un titre à détenir (son niveau est ignoré). Choisissez « Aucune » pour retirer une ligne.
wf-edit-requirement-n = Exigence { $n }
wf-edit-none = Aucune
wf-edit-min-level = Niveau minimal
wf-edit-save = Enregistrer le poste
wf-edit-more = Ajouter trois lignes
wf-edit-group-competencies = Compétences : { $framework }
wf-edit-group-achievements = Titres
wf-edit-holds = Détient « { $name } »
wf-form-bad-choice = L’exigence { $n } ne fait pas partie des choix ; choisissez-la à nouveau.
wf-form-bad-level = Exigence { $n } : choisissez un niveau de 1 à { $max }.
wf-form-empty = Choisissez au moins une compétence ou un titre exigé par le poste.

# Candidats à un poste (workforce_candidates.html)
wf-cand-title = Candidats pour { $role }
wf-cand-intro = Classés selon la part des exigences du poste que chaque professionnel remplit, puis selon la formation encore nécessaire pour combler le reste.
wf-cand-ranked-one = 1 professionnel classé.
wf-cand-ranked-other = { $count } professionnels classés.
wf-cand-ranked-cut = { $count } professionnels classés ; les { $shown } premiers figurent ici, le téléchargement les contient tous.
wf-cand-unranked-one = 1 autre ne détient rien de délivré par { $org } et n’a rien partagé avec elle : il n’est donc pas classé.
wf-cand-unranked-other = { $count } autres ne détiennent rien de délivré par { $org } et n’ont rien partagé avec elle : ils ne sont donc pas classés.
wf-cand-download = Télécharger tous les professionnels classés :
wf-cand-none = Personne à classer pour l’instant.
wf-cand-col-rank = Rang
wf-cand-col-met = Exigences remplies
wf-cand-col-ready = Délai pour être prêt
wf-cand-col-why = Pourquoi
wf-bar-worker-meets = Exigences remplies par { $name }

# Profil et écarts d’un professionnel (workforce_worker.html)
wf-worker-notice = { $org } voit les certifications qu’elle a délivrées à { $name } et celles partagées avec elle par { $name } ; rien d’autre.
wf-worker-against-heading = Comparaison à un poste
# wf-no-roles, ce lien, puis wf-worker-add-role-after forment une seule phrase.
wf-worker-add-role = Ajoutez-en un
wf-worker-add-role-after = pour comparer.
wf-worker-choose-role = Choisir un poste
wf-worker-compare = Comparer
wf-worker-role-version = (version { $version })
wf-worker-others-ranked = Autres candidats classés pour { $role }
# wf-worker-meets, la couverture en gras (« 1 sur 8 »), puis wf-worker-meets-after forment une phrase.
wf-worker-meets = Remplit
wf-worker-meets-after = exigences.
wf-worker-ready = Délai pour être prêt : { $ready }.
wf-bar-met = Exigences remplies
wf-radar-title = { $worker } face à { $role }
wf-worker-levels-table = Les niveaux sous forme de tableau
wf-worker-col-holds = Détient
wf-worker-col-needs = Exigé
wf-worker-download-gap = Télécharger l’écart :
wf-worker-by-requirement = Exigence par exigence
wf-worker-expiring-hint = Échéance proche : exigence remplie, mais toutes les certifications qui la prouvent expirent dans les { $days } jours.
wf-status-met = remplie
wf-status-partly = remplie en partie (niveau { $have } sur { $need })
wf-status-missing = manquante
wf-status-expiring = échéance proche ({ $date })
wf-pathway = Parcours : obtenir « { $achievement } », environ { $time } de formation.
wf-pathway-steps = Les étapes
# Une étape d’un parcours, avant le lien vers elle.
wf-step-module = Module :
wf-step-assessment = Évaluation :
wf-no-pathway = Pas de parcours : { $why }
wf-worker-competencies-heading = Compétences
wf-worker-download-profile = Télécharger le profil et ses preuves :
wf-worker-none-seen = Aucune que { $org } puisse voir.
wf-worker-col-level = Niveau
wf-worker-col-proved-by = Prouvée par
wf-proof-level = (niveau { $level })
wf-proof-issued = délivrée par { $issuer } le { $date }
wf-proof-until = valable jusqu’au { $date }
wf-proof-no-end = sans date de fin
wf-worker-credentials-heading = Certifications

# Certifications arrivant à échéance (workforce_expiring.html)
wf-exp-title = Échéance sous { $days } jours
wf-exp-heading = Certifications arrivant à échéance sous { $days } jours
wf-exp-window-label = Période
wf-exp-days = { $days } jours
wf-exp-intro = Certifications de vos professionnels que { $org } peut voir (elle les a délivrées, ou le professionnel les a partagées), les plus proches de l’échéance en premier.
wf-exp-none = Aucune n’arrive à échéance sous { $days } jours.
wf-exp-col-ends = Fin
wf-exp-col-days-left = Jours restants
wf-exp-bad-heading = Période non comprise
wf-exp-bad = La période { $field } : { $why }.

# Les images (carte de chaleur, radar, barres), leurs titres et descriptions
wf-shade-0 = 0–24 % la remplissent
wf-shade-1 = 25–49 %
wf-shade-2 = 50–74 %
wf-shade-3 = 75–99 %
wf-shade-4 = tous
wf-shade-none = aucun professionnel
wf-svg-requirements-one = 1 exigence
wf-svg-requirements-other = { $count } exigences
wf-svg-teams-one = 1 équipe
wf-svg-teams-other = { $count } équipes
wf-heat-summary = { $title } : { $rows }, { $teams }.
wf-heat-weakest = Point le plus faible : { $row } dans { $team }, remplie par { $met } sur { $total } ({ $share }).
wf-heat-nobody = Il n’y a encore personne à compter.
wf-heat-hidden = +{ $what } non affichées : le tableau les donne toutes.
wf-heat-hidden-both = +{ $rows } et { $teams } non affichées : le tableau les donne toutes.
wf-heat-cell-title = { $team } — { $row } : { $met } sur { $total } la remplissent, { $partly } en partie, { $missing } non
wf-heat-no-one = personne
wf-radar-numbers = détient { $held } · exigé { $required }
wf-radar-axis = { $label } : détient le niveau { $held }, exigé { $required } — { $verdict }
wf-radar-met = remplie
wf-radar-not-held = non détenue
wf-radar-below-one = 1 niveau en dessous
wf-radar-below-other = { $count } niveaux en dessous
wf-radar-summary = { $title } : remplit { $met } des { $total } niveaux de compétence exigés.
wf-radar-short-of = En deçà pour : { $list }.
wf-radar-short-item = { $label } (détient { $held }, exigé { $required })
wf-legend-required = Exigé par le poste
wf-legend-held = Détenu par le professionnel
wf-bars-none = Ce poste ne nomme aucune compétence à comparer.
wf-progress = { $label } : { $done } sur { $total }

# La page de partage du professionnel (sharing.html)
sharing-title = Ce que vous partagez avec vos employeurs
sharing-back-home = Accueil
sharing-intro = Vos certifications vous appartiennent. Une organisation dont vous êtes membre en voit deux sortes : celles qu’elle vous a elle-même délivrées, et celles que vous partagez avec elle sur cette page. Elle ne peut voir aucune autre de vos certifications, ni même savoir qu’elle existe. Vous pouvez retirer un partage à tout moment : le retrait prend effet immédiatement, et cette page garde la trace de chaque partage et de chaque retrait.
sharing-no-orgs = Vous n’êtes membre d’aucune organisation pour l’instant : aucun employeur ne voit quoi que ce soit vous concernant.
# sharing-all-on (en gras) et sharing-all-since forment une seule phrase.
sharing-all-on = Vous partagez tout ce que vous détenez avec { $org }
sharing-all-since = , depuis le { $since }, y compris les certifications que vous obtiendrez plus tard.
sharing-stop-all = Ne plus tout partager avec { $org }
sharing-ticked-stay = Les certifications que vous avez aussi cochées une à une ci-dessous restent partagées jusqu’à ce que vous les décochiez.
sharing-sees = { $org } voit { $visible } sur { $total } de vos certifications d’autres émetteurs.
sharing-sees-and-issued = { $org } voit { $visible } sur { $total } de vos certifications d’autres émetteurs, en plus de celles qu’elle vous a délivrées ({ $issued }).
sharing-share-all = Tout partager avec { $org }
sharing-issued-heading = Délivrées par { $org }
sharing-issued-none = { $org } ne vous a délivré aucune certification.
sharing-issued-seen = { $org } voit celles-ci de toute façon, puisqu’elle les a délivrées :
sharing-others-heading = Vos autres certifications
sharing-others-none = Vous ne détenez aucune certification d’autres émetteurs.
sharing-one-by-one = Partager une à une avec { $org }
sharing-issued-by = délivrée par { $issuer }
sharing-seen-while-all = visible tant que vous partagez tout
sharing-save = Enregistrer ce que { $org } peut voir
sharing-record-heading = Historique de votre consentement
sharing-record-none = Vous n’avez encore rien partagé.
sharing-col-org = Organisation
sharing-col-what = Quoi
sharing-col-shared = Partagé le
sharing-col-withdrawn = Retiré le
sharing-still-shared = toujours partagé
sharing-everything = Tout ce que vous détenez
sharing-credential-id = Certification { $id }
sharing-saved = Enregistré : vos employeurs voient ce qu’indique désormais cette page.
sharing-bad-form-heading = Formulaire non compris
sharing-bad-form = Utilisez les boutons de la page pour tout partager ou pour retirer ce partage.

# Pages de l’administrateur d’un émetteur : réalisations, clés de signature et statut d’une certification.

issuing-conflict-heading = Impossible pour le moment

# Types de réalisation
issuing-kind-badge = Badge
issuing-kind-micro-credential = Micro-certification
issuing-kind-nano-degree = Nano-diplôme
issuing-kind-certificate = Certificat

# Liens entre les pages de l’émetteur
issuing-link-awards = Attributions et certifications délivrées
issuing-link-stacks = Certifications composées
issuing-link-keys = Clés de signature et identifiant

# Réalisations
issuing-achievements-title = Réalisations de { $org }
issuing-achievements-intro = Ce que les certifications de cet organisme attestent : chaque réalisation dit ce que l’apprenant doit accomplir, et les certifications la nomment lors de leur signature.
issuing-achievement-created = « { $name } » a été créée.
issuing-achievements-list = Réalisations
issuing-achievements-none = Aucune réalisation pour l’instant : créez la première ci-dessous.
issuing-col-name = Nom
issuing-col-kind = Type
issuing-col-criteria = Critères
issuing-col-validity = Validité
issuing-col-credits = Crédits
issuing-col-earned = Obtention
issuing-validity-days-one = { $days } jour
issuing-validity-days-other = { $days } jours
issuing-validity-none = Sans date de fin
issuing-earned-stack = En détenant d’autres réalisations (modifier la composition)
issuing-earned-rule = Par sa règle d’attribution
issuing-earned-by-hand = Délivrée par un administrateur ou par l’API
issuing-new-achievement = Nouvelle réalisation
issuing-new-achievement-hint = Pour en composer une à partir d’autres réalisations, utilisez plutôt l’éditeur de compositions.
issuing-field-name = Nom
issuing-field-kind = Type
issuing-field-description = Description
issuing-field-criteria = Critères
issuing-field-criteria-hint = (ce que l’apprenant doit accomplir ou démontrer)
issuing-field-validity = Validité (jours)
issuing-field-credits = Crédits
issuing-field-optional = (facultatif)
issuing-field-image = Adresse de l’image du badge
issuing-field-image-hint = (facultatif, https)
issuing-create-achievement = Créer la réalisation
issuing-error-name = Saisissez le nom de la réalisation.
issuing-error-kind = Choisissez un type de réalisation.
issuing-error-description = Saisissez une description.
issuing-error-criteria = Saisissez les critères : ce que l’apprenant doit accomplir ou démontrer.
issuing-error-validity = Saisissez un nombre entier de jours (1 ou plus), ou laissez vide pour une validité sans fin.
issuing-error-credits = Saisissez les crédits sous forme de nombre, par exemple 1.5 (trois décimales au plus), ou laissez vide.

# Clés de signature et identifiant de l’émetteur
issuing-keys-title = Clés de signature de { $org }
issuing-keys-intro = Les certifications désignent l’émetteur par cet identifiant, et les vérificateurs contrôlent leurs signatures avec les clés publiques qu’il publie.
issuing-keys-rotated = Une nouvelle clé signe désormais. Les certifications signées avec l’ancienne clé restent vérifiables.
issuing-keys-method-changed = L’identifiant a été modifié.
issuing-identifier = Identifiant
issuing-did-method = Méthode
issuing-method-web = did:web (publié par ce serveur)
issuing-method-key = did:key (la clé est l’identifiant)
issuing-did = Identifiant (DID)
issuing-did-not-yet = Créé avec la première clé de signature, à la signature de la première certification.
issuing-did-document = Document DID
issuing-keys-list = Clés
issuing-keys-none = Aucune clé pour l’instant : la première est créée à la signature de la première certification.
issuing-col-key = Clé publique
issuing-col-created = Créée le
issuing-col-key-state = État
issuing-verification-method = Méthode de vérification :
issuing-key-current = Signe actuellement
issuing-key-retired = Retirée le { $when } ; toujours publiée, ce qu’elle a signé reste vérifiable
issuing-rotate-heading = Renouveler la clé de signature
issuing-rotate-what = Le renouvellement crée une nouvelle clé qui signe toutes les certifications à partir de maintenant, et signe à nouveau les listes de statut. L’ancienne clé publique reste dans le document DID : les certifications déjà délivrées restent vérifiables, et leur statut (valide, suspendue, révoquée) reste visible.
issuing-rotate-when = Renouvelez la clé si elle a pu être exposée, ou selon le calendrier fixé par votre politique. C’est irréversible, mais vous pourrez la renouveler à nouveau.
issuing-rotate-confirm = Je comprends qu’une nouvelle clé signe désormais et que l’ancienne est retirée.
issuing-rotate-button = Renouveler la clé de signature
issuing-rotate-did-key = L’identifiant d’un émetteur did:key est sa clé : la renouveler changerait l’identité de l’émetteur, elle ne peut donc pas être renouvelée ici.
issuing-error-rotate-confirm = Cochez la case pour confirmer le renouvellement.
issuing-method-heading = Désignation de l’émetteur
issuing-method-intro = Ce choix n’est possible que jusqu’à la première certification délivrée : les certifications désignent l’identifiant sous lequel elles ont été signées.
issuing-method-legend = Méthode d’identifiant
issuing-method-web-choice = did:web : publié par ce serveur, clés renouvelables (recommandé)
issuing-method-key-choice = did:key : la clé elle-même, sans document à publier, non renouvelable
issuing-method-button = Enregistrer la méthode
issuing-method-fixed = Cet organisme a délivré des certifications : sa méthode d’identifiant ne peut plus changer.
issuing-error-method = Choisissez did:web ou did:key.

# Statut d’une certification
issuing-status-title = Statut de { $name }
issuing-status-done-suspend = La certification est suspendue : les vérificateurs la voient désormais comme non valide.
issuing-status-done-reinstate = La certification est rétablie : elle est de nouveau vérifiable.
issuing-status-done-revoke = La certification est révoquée : les vérificateurs la voient comme non valide, définitivement.
issuing-status-now = Situation actuelle
issuing-status-state = État
issuing-status-reason = Motif
issuing-status-recipient = Délivrée à
issuing-status-issued = Délivrée le
issuing-status-valid-until = Valide jusqu’au
issuing-status-public-page = Page publique (ce que voient les vérificateurs)
issuing-status-chain = Comment elle a été attribuée
issuing-status-revoked-final = Cette certification est révoquée. La révocation est définitive : elle ne peut pas être rétablie.
issuing-suspend-heading = Suspendre
issuing-suspend-what = Une certification suspendue n’est plus vérifiable jusqu’à son rétablissement, par exemple le temps d’une enquête.
issuing-suspend-button = Suspendre la certification
issuing-reinstate-heading = Rétablir
issuing-reinstate-what = La certification redevient vérifiable, comme avant sa suspension.
issuing-reinstate-button = Rétablir la certification
issuing-revoke-heading = Révoquer
# Ces deux messages vont ensemble : le premier est affiché en gras.
issuing-revoke-final = La révocation est définitive.
issuing-revoke-what = La certification ne sera plus jamais vérifiable et ne pourra pas être rétablie ; l’apprenant pourra obtenir à nouveau la réalisation.
issuing-revoke-confirm = Je comprends que la révocation est définitive.
issuing-revoke-button = Révoquer la certification
issuing-field-reason = Motif
issuing-error-reason = Saisissez un motif : il est enregistré avec la modification.
issuing-error-revoke-confirm = Cochez la case pour confirmer que la révocation est définitive.
issuing-error-action = Choisissez de suspendre, rétablir ou révoquer la certification.

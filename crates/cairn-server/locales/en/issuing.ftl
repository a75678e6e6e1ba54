# The issuer admin's pages: achievements, signing keys and a credential's status.

issuing-conflict-heading = This cannot be done now

# Kinds of achievement
issuing-kind-badge = Badge
issuing-kind-micro-credential = Micro-credential
issuing-kind-nano-degree = Nano-degree
issuing-kind-certificate = Certificate

# Links between the issuer's pages
issuing-link-awards = Awards and issued credentials
issuing-link-stacks = Stacked credentials
issuing-link-keys = Signing keys and identifier

# Achievements
issuing-achievements-title = Achievements of { $org }
issuing-achievements-intro = What this organization's credentials can be for: each achievement says what a learner must do, and credentials name it when they are signed.
issuing-achievement-created = “{ $name }” was created.
issuing-achievements-list = Achievements
issuing-achievements-none = No achievement yet: create the first below.
issuing-col-name = Name
issuing-col-kind = Type
issuing-col-criteria = Criteria
issuing-col-validity = Valid for
issuing-col-credits = Credits
issuing-col-earned = How it is earned
issuing-validity-days-one = { $days } day
issuing-validity-days-other = { $days } days
issuing-validity-none = No end date
issuing-earned-stack = By holding others (edit the stack)
issuing-earned-rule = By its award rule
issuing-earned-by-hand = Issued by an admin or through the API
issuing-new-achievement = New achievement
issuing-new-achievement-hint = To build one from other achievements, use the stack editor instead.
issuing-field-name = Name
issuing-field-kind = Type
issuing-field-description = Description
issuing-field-criteria = Criteria
issuing-field-criteria-hint = (what a learner must do or show)
issuing-field-validity = Valid for (days)
issuing-field-credits = Credits
issuing-field-optional = (optional)
issuing-field-image = Badge image address
issuing-field-image-hint = (optional, https)
issuing-create-achievement = Create the achievement
issuing-error-name = Enter the achievement’s name.
issuing-error-kind = Choose a type of achievement.
issuing-error-description = Enter a description.
issuing-error-criteria = Enter the criteria: what a learner must do or show.
issuing-error-validity = Enter a whole number of days (1 or more), or leave it empty for no end date.
issuing-error-credits = Enter the credits as a number, such as 1.5 (at most three decimals), or leave it empty.

# Signing keys and the issuer's identifier
issuing-keys-title = Signing keys of { $org }
issuing-keys-intro = Credentials name the issuer by this identifier, and verifiers check their signatures with the public keys it lists.
issuing-keys-rotated = A new key signs from now on. Credentials signed with the old key still verify.
issuing-keys-method-changed = The identifier was changed.
issuing-identifier = Identifier
issuing-did-method = Method
issuing-method-web = did:web (published by this server)
issuing-method-key = did:key (the key is the identifier)
issuing-did = Identifier (DID)
issuing-did-not-yet = Made with the first signing key, when the first credential is signed.
issuing-did-document = DID document
issuing-keys-list = Keys
issuing-keys-none = No key yet: the first is made when the first credential is signed.
issuing-col-key = Public key
issuing-col-created = Created
issuing-col-key-state = State
issuing-verification-method = Verification method:
issuing-key-current = Signs now
issuing-key-retired = Retired on { $when }; still listed, so what it signed still verifies
issuing-rotate-heading = Rotate the signing key
issuing-rotate-what = Rotating makes a new key that signs every credential from now on, and signs the status lists again with it. The old public key stays in the DID document: credentials already issued stay verifiable, and their status (valid, suspended, revoked) still shows.
issuing-rotate-when = Rotate when the key may have been exposed, or on a schedule your policy sets. It cannot be undone, but you may rotate again.
issuing-rotate-confirm = I understand that a new key signs from now on and that the old one is retired.
issuing-rotate-button = Rotate the signing key
issuing-rotate-did-key = A did:key issuer’s identifier is its key: rotating it would change the issuer’s identity, so it cannot be rotated here.
issuing-error-rotate-confirm = Tick the box to confirm the rotation.
issuing-method-heading = How the issuer is named
issuing-method-intro = You may change this only until the first credential is issued: credentials name the identifier they were signed under.
issuing-method-legend = Identifier method
issuing-method-web-choice = did:web: published by this server, keys can be rotated (recommended)
issuing-method-key-choice = did:key: the key itself, no document to publish, cannot be rotated
issuing-method-button = Save the method
issuing-method-fixed = This organization has issued credentials, so its identifier method can no longer change.
issuing-error-method = Choose did:web or did:key.

# A credential's status
issuing-status-title = Status of { $name }
issuing-status-done-suspend = The credential is suspended: verifiers now see it as not valid.
issuing-status-done-reinstate = The credential is reinstated: it verifies again.
issuing-status-done-revoke = The credential is revoked: verifiers see it as not valid, for good.
issuing-status-now = Now
issuing-status-state = State
issuing-status-reason = Reason
issuing-status-recipient = Issued to
issuing-status-issued = Issued
issuing-status-valid-until = Valid until
issuing-status-public-page = Public page (what verifiers see)
issuing-status-chain = How it was awarded
issuing-status-revoked-final = This credential is revoked. Revocation is final: it cannot be reinstated.
issuing-suspend-heading = Suspend
issuing-suspend-what = A suspended credential does not verify until it is reinstated, for example while an investigation runs.
issuing-suspend-button = Suspend the credential
issuing-reinstate-heading = Reinstate
issuing-reinstate-what = The credential verifies again, as before its suspension.
issuing-reinstate-button = Reinstate the credential
issuing-revoke-heading = Revoke
# These two form one sentence pair: the first is shown in bold.
issuing-revoke-final = Revocation is final.
issuing-revoke-what = The credential will never verify again, and cannot be reinstated; the learner may earn the achievement again.
issuing-revoke-confirm = I understand that revocation is final.
issuing-revoke-button = Revoke the credential
issuing-field-reason = Reason
issuing-error-reason = Enter a reason: it is recorded with the change.
issuing-error-revoke-confirm = Tick the box to confirm that revocation is final.
issuing-error-action = Choose to suspend, reinstate or revoke the credential.

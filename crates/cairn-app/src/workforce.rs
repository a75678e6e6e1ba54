//! Workforce use cases: role profiles, workers' consent, competency profiles, gap analysis, team heat maps, redeployment and expiring credentials.

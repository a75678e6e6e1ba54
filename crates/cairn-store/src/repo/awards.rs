//! Storage for achievement rules' reverse index and the award outbox.

use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

impl Conn<'_> {
    /// Record that an achievement's rule refers to an assessment, rubric or module.
    pub async fn add_rule_ref(&mut self, achievement: Uuid, kind: &str, id: Uuid) -> Result<()> {
        let q = "INSERT INTO achievement_rule_refs (achievement_id, ref_kind, ref_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        on!(self, |c| sqlx::query(q)
            .bind(achievement)
            .bind(kind)
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Achievements whose rule refers to this assessment, rubric or module.
    pub async fn achievements_referring_to(&mut self, kind: &str, id: Uuid) -> Result<Vec<Uuid>> {
        let q = "SELECT achievement_id FROM achievement_rule_refs WHERE ref_kind = $1 AND ref_id = $2 ORDER BY achievement_id";
        let rows: Vec<(Uuid,)> = on!(self, |c| sqlx::query_as(q)
            .bind(kind)
            .bind(id)
            .fetch_all(c)
            .await)?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }
}

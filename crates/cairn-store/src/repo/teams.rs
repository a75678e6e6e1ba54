use cairn_core::Team;
use uuid::Uuid;

use crate::conn::{Conn, on};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamSummary {
    pub id: Uuid,
    pub name: String,
    pub members: i64,
}

impl Conn<'_> {
    pub async fn insert_team(&mut self, team: &Team) -> Result<()> {
        let q = "INSERT INTO teams (id, org_id, name) VALUES ($1, $2, $3)";
        on!(self, |c| sqlx::query(q)
            .bind(team.id)
            .bind(team.org_id)
            .bind(&team.name)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("a team with this name"))?;
        Ok(())
    }

    pub async fn add_team_member(&mut self, team_id: Uuid, user_id: Uuid) -> Result<()> {
        let q = "INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)";
        on!(self, |c| sqlx::query(q)
            .bind(team_id)
            .bind(user_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::conflict_as("this team member"))?;
        Ok(())
    }

    pub async fn teams_of_org(&mut self, org: Uuid) -> Result<Vec<TeamSummary>> {
        let q = "SELECT t.id, t.name, COUNT(tm.user_id) AS members FROM teams t \
                 LEFT JOIN team_members tm ON tm.team_id = t.id \
                 WHERE t.org_id = $1 GROUP BY t.id, t.name ORDER BY t.name";
        let rows: Vec<TeamSummary> = on!(self, |c| sqlx::query_as(q).bind(org).fetch_all(c).await)?;
        Ok(rows)
    }

    /// Teams of one person within an organization, by name.
    pub async fn team_names_of_user(&mut self, org: Uuid, user_id: Uuid) -> Result<Vec<String>> {
        let q = "SELECT t.name FROM teams t JOIN team_members tm ON tm.team_id = t.id \
                 WHERE t.org_id = $1 AND tm.user_id = $2 ORDER BY t.name";
        let rows: Vec<String> = on!(self, |c| sqlx::query_scalar(q)
            .bind(org)
            .bind(user_id)
            .fetch_all(c)
            .await)?;
        Ok(rows)
    }
}

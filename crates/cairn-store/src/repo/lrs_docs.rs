//! xAPI documents (state, activity profiles, agent profiles) and what the Agents and
//! Activities resources read from stored statements.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::Result;
use crate::conn::{Conn, on};

/// Where documents live: an organization, a kind and the parts of the key that kind uses.
/// Parts a kind does not use are '' (as the table stores them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocScope {
    pub org_id: Uuid,
    /// `state`, `activity_profile` or `agent_profile`.
    pub kind: &'static str,
    pub activity_id: String,
    pub agent_ifi: String,
    pub registration: String,
}

/// One stored document.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    pub doc_id: String,
    pub content_type: String,
    pub content: Vec<u8>,
    pub etag: String,
    pub updated: OffsetDateTime,
}

/// A document id with when it last changed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentStamp {
    pub doc_id: String,
    pub updated: OffsetDateTime,
}

macro_rules! scope {
    () => {
        "org_id = $1 AND kind = $2 AND activity_id = $3 AND agent_ifi = $4 AND registration = $5"
    };
}

impl Conn<'_> {
    pub async fn xapi_document(
        &mut self,
        s: &DocScope,
        doc_id: &str,
    ) -> Result<Option<DocumentRow>> {
        let q = concat!(
            "SELECT doc_id, content_type, content, etag, updated FROM xapi_documents WHERE ",
            scope!(),
            " AND doc_id = $6"
        );
        let row: Option<DocumentRow> = on!(self, |c| sqlx::query_as(q)
            .bind(s.org_id)
            .bind(s.kind)
            .bind(&s.activity_id)
            .bind(&s.agent_ifi)
            .bind(&s.registration)
            .bind(doc_id)
            .fetch_optional(c)
            .await)?;
        Ok(row)
    }

    /// Every document id in the scope with its last change, oldest change first. Filtering
    /// by time is left to the caller: SQLite keeps times as text, which does not compare
    /// in time order across precisions.
    pub async fn xapi_document_stamps(&mut self, s: &DocScope) -> Result<Vec<DocumentStamp>> {
        let q = concat!(
            "SELECT doc_id, updated FROM xapi_documents WHERE ",
            scope!(),
            " ORDER BY updated, doc_id"
        );
        let rows: Vec<DocumentStamp> = on!(self, |c| sqlx::query_as(q)
            .bind(s.org_id)
            .bind(s.kind)
            .bind(&s.activity_id)
            .bind(&s.agent_ifi)
            .bind(&s.registration)
            .fetch_all(c)
            .await)?;
        Ok(rows)
    }

    /// Create or replace a document.
    pub async fn put_xapi_document(&mut self, s: &DocScope, d: &DocumentRow) -> Result<()> {
        let q = "INSERT INTO xapi_documents (org_id, kind, activity_id, agent_ifi, registration, doc_id, content_type, content, etag, updated) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (org_id, kind, activity_id, agent_ifi, registration, doc_id) DO UPDATE SET \
                 content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated = excluded.updated";
        on!(self, |c| sqlx::query(q)
            .bind(s.org_id)
            .bind(s.kind)
            .bind(&s.activity_id)
            .bind(&s.agent_ifi)
            .bind(&s.registration)
            .bind(&d.doc_id)
            .bind(&d.content_type)
            .bind(&d.content)
            .bind(&d.etag)
            .bind(d.updated)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Delete one document (`Some`) or all in the scope (`None`); how many went.
    pub async fn delete_xapi_documents(
        &mut self,
        s: &DocScope,
        doc_id: Option<&str>,
    ) -> Result<u64> {
        let q = match doc_id {
            Some(_) => concat!(
                "DELETE FROM xapi_documents WHERE ",
                scope!(),
                " AND doc_id = $6"
            ),
            None => concat!("DELETE FROM xapi_documents WHERE ", scope!()),
        };
        let done = on!(self, |c| {
            let mut query = sqlx::query(q)
                .bind(s.org_id)
                .bind(s.kind)
                .bind(&s.activity_id)
                .bind(&s.agent_ifi)
                .bind(&s.registration);
            if let Some(id) = doc_id {
                query = query.bind(id);
            }
            query.execute(c).await.map(|r| r.rows_affected())
        })?;
        Ok(done)
    }

    /// The most recently stored statements (as stored JSON) whose actor has `actor_ifi`,
    /// newest first: what the Agents resource reads names and identifiers from.
    pub async fn xapi_statements_by_actor(
        &mut self,
        org: Uuid,
        actor_ifi: &str,
        limit: i64,
    ) -> Result<Vec<String>> {
        let q = "SELECT statement FROM xapi_statements WHERE org_id = $1 AND actor_ifi = $2 ORDER BY seq DESC LIMIT $3";
        let rows: Vec<(String,)> = on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(actor_ifi)
            .bind(limit)
            .fetch_all(c)
            .await)?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    /// The most recently stored statements (as stored JSON) whose object is the activity,
    /// newest first: what the Activities resource reads the definition from.
    pub async fn xapi_statements_about_activity(
        &mut self,
        org: Uuid,
        activity_id: &str,
        limit: i64,
    ) -> Result<Vec<String>> {
        let q = "SELECT statement FROM xapi_statements WHERE org_id = $1 AND activity_id = $2 ORDER BY seq DESC LIMIT $3";
        let rows: Vec<(String,)> = on!(self, |c| sqlx::query_as(q)
            .bind(org)
            .bind(activity_id)
            .bind(limit)
            .fetch_all(c)
            .await)?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }
}

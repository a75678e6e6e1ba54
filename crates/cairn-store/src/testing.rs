//! Each test gets a database of its own: a fresh SQLite file in a temporary folder, or a
//! PostgreSQL database copied from a migrated template (much faster than migrating anew).
//!
//! PostgreSQL tests run when `CAIRN_TEST_POSTGRES_URL` names a server where the user may
//! create databases; otherwise they print a notice and pass without running.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection};

use crate::{ConnectOptions, POSTGRES_MIGRATIONS, Store};

pub const POSTGRES_URL_VAR: &str = "CAIRN_TEST_POSTGRES_URL";

/// A database that exists for one test.
pub struct TestDb {
    pub store: Store,
    /// "sqlite" or "postgres", to put in assertion messages.
    pub backend: &'static str,
    /// The URL a separate process (e.g. a spawned `cairn serve`) can open.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    /// A migrated SQLite database in a new temporary folder.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary folder: {e}"));
        let path = dir.path().join("cairn-test.db");
        let url = path.to_string_lossy().into_owned();
        let store = Store::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("migrate sqlite: {e}"));
        TestDb {
            store,
            backend: "sqlite",
            url,
            _dir: Some(dir),
            pg_drop: None,
        }
    }

    /// A migrated PostgreSQL database of its own, or None (with a notice) when no server is configured.
    pub async fn postgres() -> Option<TestDb> {
        Self::postgres_with(true).await
    }

    /// An empty PostgreSQL database (no tables), for testing that Cairn migrates it itself.
    pub async fn postgres_empty() -> Option<TestDb> {
        Self::postgres_with(false).await
    }

    async fn postgres_with(migrated: bool) -> Option<TestDb> {
        let Ok(base) = std::env::var(POSTGRES_URL_VAR) else {
            eprintln!(
                "notice: {POSTGRES_URL_VAR} is not set; skipping the PostgreSQL run of this test"
            );
            return None;
        };
        let template = if migrated {
            ensure_template(&base).await
        } else {
            "template0".to_owned()
        };
        let name = format!("cairn_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin_connection(&base).await;
        sqlx::query(AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {template}"
        )))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("create test database {name}: {e}"));
        let _ = admin.close().await;
        let url = with_database(&base, &name);
        let store = Store::connect_with(
            &url,
            &ConnectOptions {
                max_connections: 4,
                create_if_missing: false,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("open test database {name}: {e}"));
        Some(TestDb {
            store,
            backend: "postgres",
            url,
            _dir: None,
            pg_drop: Some((base, name)),
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, name)) = self.pg_drop.take() else {
            return;
        };
        // Drop may run inside an async runtime, where blocking on another is not allowed:
        // do the clean-up on a thread of its own and wait for it.
        let handle = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut admin) = PgConnection::connect_with(&admin_options(&base)).await {
                    let _ = sqlx::query(AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await;
                }
            });
        });
        let _ = handle.join();
    }
}

fn admin_options(base: &str) -> PgConnectOptions {
    PgConnectOptions::from_str(base)
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is not a PostgreSQL URL: {e}"))
}

async fn admin_connection(base: &str) -> PgConnection {
    PgConnection::connect_with(&admin_options(base))
        .await
        .unwrap_or_else(|e| panic!("connect to {POSTGRES_URL_VAR}: {e}"))
}

/// `base` with its database name replaced by `db`.
fn with_database(base: &str, db: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (base, None),
    };
    let host_start = head.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match head[host_start..].find('/') {
        Some(i) => &head[..host_start + i],
        None => head,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

/// The name of a template database migrated with this build's migrations, creating it once.
async fn ensure_template(base: &str) -> String {
    let mut fingerprint: u64 = 0xcbf2_9ce4_8422_2325;
    // Versions count as well as contents: a migration renumbered without a change would
    // otherwise reuse a template that recorded the old number.
    for m in POSTGRES_MIGRATIONS.iter() {
        for b in m.version.to_le_bytes().iter().chain(m.checksum.iter()) {
            fingerprint = (fingerprint ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    let template = format!("cairn_tpl_{fingerprint:016x}");
    let mut admin = admin_connection(base).await;
    // Test binaries may run side by side: one of them builds the template.
    sqlx::query("SELECT pg_advisory_lock(7419)")
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("lock: {e}"));
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("look up template: {e}"));
    if !exists {
        let building = format!("{template}_building");
        let _ = sqlx::query(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {building} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {building}")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("create template: {e}"));
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(admin_options(base).database(&building))
            .await
            .unwrap_or_else(|e| panic!("open template: {e}"));
        POSTGRES_MIGRATIONS
            .run(&pool)
            .await
            .unwrap_or_else(|e| panic!("migrate template: {e}"));
        pool.close().await;
        sqlx::query(AssertSqlSafe(format!(
            "ALTER DATABASE {building} RENAME TO {template}"
        )))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("finish template: {e}"));
    }
    let _ = sqlx::query("SELECT pg_advisory_unlock(7419)")
        .execute(&mut admin)
        .await;
    let _ = admin.close().await;
    template
}

/// Write a test once and run it on SQLite and, when configured, on PostgreSQL. The
/// generated tests are named `<name>::sqlite` and `<name>::postgres`, so the output shows
/// which backend ran.
///
/// ```ignore
/// backend_tests! {
///     async fn creates_org(db: TestDb) { ... }
/// }
/// ```
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($db:ident : TestDb) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($db: $crate::testing::TestDb) $body

                #[tokio::test]
                async fn sqlite() {
                    run($crate::testing::TestDb::sqlite().await).await;
                }

                #[tokio::test]
                async fn postgres() {
                    if let Some(db) = $crate::testing::TestDb::postgres().await {
                        run(db).await;
                    }
                }
            }
        )*
    };
}

/// Whether a test may use something beside the repository: true when present; otherwise a
/// notice and false — or, with `CAIRN_REQUIRE_SHARED=1` (as in CI), a failure.
pub fn available(present: bool, why: &str) -> bool {
    if present {
        return true;
    }
    if std::env::var("CAIRN_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!("{why}, and CAIRN_REQUIRE_SHARED=1");
    }
    eprintln!("skipping: {why}");
    false
}

/// A path under `../shared` beside the workspace (reference data and the interop harness),
/// when it is there.
pub fn shared(relative: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(relative);
    available(
        path.exists(),
        &format!("../shared/{relative} is not beside the repository"),
    )
    .then_some(path)
}

/// The independent OB 3.0 harness (`../shared/interop`), when it and Node are available.
pub fn interop_harness() -> Option<std::path::PathBuf> {
    let dir = shared("interop")?;
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    available(node, "node is not available to run ../shared/interop").then_some(dir)
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}

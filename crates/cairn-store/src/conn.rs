//! Connections and transactions over either backend, so that each repository operation is
//! written once (see the `on!` macro) and runs on both.

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};

use crate::Result;

/// A borrowed connection of either backend: what repository operations run on.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A pooled connection for reads.
pub enum Reader {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Reader {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Reader::Sqlite(c) => Conn::Sqlite(c),
            Reader::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// Run the same sqlx expression on whichever backend `conn` holds. `$c` is bound to a
/// `&mut XConnection` usable as an executor.
macro_rules! on {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::conn::Conn::Sqlite($c) => {
                let $c = &mut **$c;
                $body
            }
            $crate::conn::Conn::Postgres($c) => {
                let $c = &mut **$c;
                $body
            }
        }
    };
}
pub(crate) use on;

//! Checks that a write is retry-safe (AIP-155): the same request twice gives the same answer
//! and one effect; the same id with another request is `ABORTED` and changes nothing.

use std::{fmt::Debug, future::Future};

use sqlx::PgPool;
use tonic::{Code, Response, Status};

/// A digest of every table of a schema but the inbox: each table's row count and a hash of
/// its rows, the outbox by count only (the relay stamps its rows as it goes). The inbox records
/// events consumed from other services whenever they arrive: not what a call changed. Made
/// once per schema, taken in one query.
#[derive(Debug, Clone)]
pub struct SchemaDigest {
    sql: String,
}

impl SchemaDigest {
    pub async fn of(pool: &PgPool, schema: &str) -> Self {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
        )
        .bind(schema)
        .fetch_all(pool)
        .await
        .expect("tables of the schema");
        let parts: Vec<String> = tables
            .iter()
            .filter(|t| t.as_str() != "inbox")
            .map(|t| {
                if matches!(t.as_str(), "outbox" | "_sqlx_migrations") {
                    format!(r#"SELECT '{t}:' || count(*) FROM "{schema}"."{t}""#)
                } else {
                    format!(
                        r#"SELECT '{t}:' || count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM "{schema}"."{t}" x"#
                    )
                }
            })
            .collect();
        let sql = format!("SELECT string_agg(d, ' ' ORDER BY d) FROM ({}) AS digests(d)", parts.join(" UNION ALL "));
        Self { sql }
    }

    pub async fn take(&self, pool: &PgPool) -> String {
        let digest: Option<String> =
            sqlx::query_scalar(&self.sql).fetch_one(pool).await.expect("a digest of the schema");
        digest.unwrap_or_default()
    }
}

/// The schema's [`SchemaDigest`] now.
pub async fn snapshot(pool: &PgPool, schema: &str) -> String {
    SchemaDigest::of(pool, schema).await.take(pool).await
}

/// Sends `request` (which carries a `request_id`) twice, then once more changed by `other`,
/// through `call`, and asserts AIP-155 over the tables of `schema`. Returns the first answer.
pub async fn assert_retry_safe<Req, Resp, Call, Fut>(
    pool: &PgPool,
    schema: &str,
    method: &str,
    request: Req,
    call: Call,
    other: impl FnOnce(&mut Req),
) -> Resp
where
    Req: Clone,
    Resp: PartialEq + Debug,
    Call: Fn(Req) -> Fut,
    Fut: Future<Output = Result<Response<Resp>, Status>>,
{
    let digest = SchemaDigest::of(pool, schema).await;
    let first =
        call(request.clone()).await.unwrap_or_else(|e| panic!("{method}: the first call fails: {e:?}")).into_inner();
    let after_first = digest.take(pool).await;
    let again = call(request.clone()).await.unwrap_or_else(|e| panic!("{method}: the retry fails: {e:?}")).into_inner();
    assert_eq!(again, first, "{method}: a retry gets the first answer");
    assert_eq!(digest.take(pool).await, after_first, "{method}: a retry changes nothing");

    let mut changed = request;
    other(&mut changed);
    let refused = call(changed).await.expect_err(&format!("{method}: another request with the same id is refused"));
    assert_eq!(refused.code(), Code::Aborted, "{method}: {refused:?}");
    assert!(
        refused.message().contains(method),
        "{method}: the refusal names the earlier request: {}",
        refused.message()
    );
    assert_eq!(digest.take(pool).await, after_first, "{method}: a refused request changes nothing");
    first
}

/// [`assert_retry_safe`] for one RPC of a tonic client: `client.$rpc(request)`.
#[macro_export]
macro_rules! assert_rpc_retry_safe {
    ($client:expr, $pool:expr, $schema:expr, $method:literal, $rpc:ident, $request:expr, $other:expr) => {{
        let client = $client.clone();
        $crate::retries::assert_retry_safe(
            $pool,
            $schema,
            $method,
            $request,
            |r| {
                let mut client = client.clone();
                async move { client.$rpc(r).await }
            },
            $other,
        )
        .await
    }};
}

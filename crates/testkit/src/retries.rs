//! Checks that a write is retry-safe (AIP-155): the same request twice gives the same answer
//! and one effect; the same id with another request is `ABORTED` and changes nothing.

use std::{collections::BTreeMap, fmt::Debug, future::Future};

use sqlx::PgPool;
use tonic::{Code, Response, Status};

/// Every table of `schema` but the inbox as its row count and a digest of its rows; the outbox
/// by count only, since the relay stamps its rows as it goes.
pub async fn snapshot(pool: &PgPool, schema: &str) -> BTreeMap<String, String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
    )
    .bind(schema)
    .fetch_all(pool)
    .await
    .expect("tables of the schema");
    let mut snapshot = BTreeMap::new();
    // The inbox records events consumed from other services whenever they arrive: not what
    // a call changed.
    for table in tables.into_iter().filter(|t| t != "inbox") {
        let sql = if table == "outbox" || table == "_sqlx_migrations" {
            format!(r#"SELECT count(*)::text FROM "{schema}"."{table}""#)
        } else {
            format!(
                r#"SELECT count(*)::text || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "{schema}"."{table}" t"#
            )
        };
        let digest: String = sqlx::query_scalar(&sql).fetch_one(pool).await.expect("a digest of the table");
        snapshot.insert(table, digest);
    }
    snapshot
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
    let first =
        call(request.clone()).await.unwrap_or_else(|e| panic!("{method}: the first call fails: {e:?}")).into_inner();
    let after_first = snapshot(pool, schema).await;
    let again = call(request.clone()).await.unwrap_or_else(|e| panic!("{method}: the retry fails: {e:?}")).into_inner();
    assert_eq!(again, first, "{method}: a retry gets the first answer");
    assert_eq!(snapshot(pool, schema).await, after_first, "{method}: a retry changes nothing");

    let mut changed = request;
    other(&mut changed);
    let refused = call(changed).await.expect_err(&format!("{method}: another request with the same id is refused"));
    assert_eq!(refused.code(), Code::Aborted, "{method}: {refused:?}");
    assert!(
        refused.message().contains(method),
        "{method}: the refusal names the earlier request: {}",
        refused.message()
    );
    assert_eq!(snapshot(pool, schema).await, after_first, "{method}: a refused request changes nothing");
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

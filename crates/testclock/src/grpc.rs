//! `pactum.testing.v1.TestClock`, registered only when the test clock is on.

use std::sync::Arc;

use pactum_platform::{status::log_cause_chain, wire};
use pactum_proto::pactum::testing::v1::{self as pb, test_clock_server::TestClock};
use tonic::{Request, Response, Status};

use crate::{SetTimeError, SharedTestClock};

/// The gRPC face of the shared test clock.
#[derive(Debug, Clone)]
pub struct TestClockGrpc(Arc<SharedTestClock>);

impl TestClockGrpc {
    pub fn new(clock: Arc<SharedTestClock>) -> pb::test_clock_server::TestClockServer<Self> {
        pb::test_clock_server::TestClockServer::new(Self(clock))
    }
}

fn test_time(at: chrono::DateTime<chrono::Utc>) -> pb::TestTime {
    pb::TestTime {
        time: Some(wire::timestamp_to_wire(at)),
        today: Some(wire::date_to_wire(pactum_domain::calendar::date_in_amsterdam(at))),
    }
}

#[tonic::async_trait]
impl TestClock for TestClockGrpc {
    #[tracing::instrument(skip_all)]
    async fn set_time(&self, request: Request<pb::SetTimeRequest>) -> Result<Response<pb::TestTime>, Status> {
        let Some(at) = wire::timestamp_from_wire(request.get_ref().time.as_ref()) else {
            let violations = pactum_domain::Violations::single("time", "is required: a valid timestamp");
            return Err(pactum_platform::status::invalid_argument(&violations));
        };
        match self.0.set(at).await {
            Ok(at) => Ok(Response::new(test_time(at))),
            Err(error @ SetTimeError::Backwards { .. }) => Err(Status::failed_precondition(error.to_string())),
            Err(error @ SetTimeError::OutOfRange(_)) => Err(pactum_platform::status::invalid_argument(
                &pactum_domain::Violations::single("time", error.to_string()),
            )),
            Err(error @ SetTimeError::Contended) => Err(Status::aborted(error.to_string())),
            Err(error @ SetTimeError::Unavailable(_)) => {
                log_cause_chain(&error);
                Err(Status::unavailable("the test clock bucket is unreachable; retry"))
            }
        }
    }

    async fn get_time(&self, _request: Request<pb::GetTimeRequest>) -> Result<Response<pb::TestTime>, Status> {
        Ok(Response::new(test_time(self.0.now())))
    }
}

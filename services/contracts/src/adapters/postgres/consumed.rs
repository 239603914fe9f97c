//! What other services' events change on contracts, in their consumers' transactions: a
//! customer in default gets suspensions announced (art. 8.9), and the notification service's
//! reports of announcements and warnings let suspensions and blocks take effect (8.9, 14.9,
//! 14.21).

use chrono::NaiveDate;
use pactum_domain::{ContractId, CustomerId};
use sqlx::PgConnection;

use super::contracts::{PgContracts, failed, lock, save};
use crate::domain::contract::ContractError;

impl PgContracts {
    /// Art. 8.9: a customer in default gets a suspension announced in writing on each running
    /// contract not yet suspended, taking effect `DEFAULT_SUSPENSION_NOTICE_DAYS` later; in the
    /// caller's transaction (the consumer's, which records the event as processed).
    pub async fn announce_default_suspensions(
        &self,
        tx: &mut PgConnection,
        customer: CustomerId,
        announced_on: NaiveDate,
    ) -> Result<(), ContractError> {
        let ids = sqlx::query_scalar!(
            "SELECT contract_id FROM contracts.contracts
             WHERE customer_id = $1 AND status IN ('active', 'notice_given') AND NOT suspended AND suspension_effective_date IS NULL
             ORDER BY contract_id",
            customer.as_uuid()
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        let effective = announced_on
            .checked_add_days(chrono::Days::new(crate::domain::contract::DEFAULT_SUSPENSION_NOTICE_DAYS))
            .unwrap_or(NaiveDate::MAX);
        for id in ids {
            let Some(mut contract) = lock(tx, ContractId::from_uuid(id)).await? else { continue };
            let decisions = contract.suspend(
                "payment default: an invoice is 30 days past due (art. 8.8)".to_owned(),
                announced_on,
                effective,
            )?;
            save(tx, &contract).await?;
            self.enqueue(tx, &decisions).await?;
        }
        Ok(())
    }

    /// Art. 8.9, 14.21: what the notification service reports of a suspension's announcement
    /// (see [`Contract::record_suspension_announcement`]), in the consumer's transaction.
    pub async fn record_suspension_announcement(
        &self,
        tx: &mut PgConnection,
        id: ContractId,
        outcome: Result<chrono::DateTime<chrono::Utc>, String>,
        today: NaiveDate,
    ) -> Result<(), ContractError> {
        let Some(mut contract) = lock(tx, id).await? else { return Ok(()) };
        let before = contract.clone();
        let decisions = contract.record_suspension_announcement(outcome, today);
        if contract != before {
            save(tx, &contract).await?;
            self.enqueue(tx, &decisions).await?;
        }
        Ok(())
    }

    /// Art. 14.9, 14.21: what the notification service reports of a block's warning (see
    /// [`Contract::record_block_warning`]), in the consumer's transaction.
    pub async fn record_block_warning(
        &self,
        tx: &mut PgConnection,
        id: ContractId,
        outcome: Result<chrono::DateTime<chrono::Utc>, String>,
    ) -> Result<(), ContractError> {
        let Some(mut contract) = lock(tx, id).await? else { return Ok(()) };
        let before = contract.clone();
        let decisions = contract.record_block_warning(outcome);
        if contract != before {
            save(tx, &contract).await?;
            self.enqueue(tx, &decisions).await?;
        }
        Ok(())
    }
}

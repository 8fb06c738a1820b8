//! "Did the doc change since we last read it?", answered cheaply: one Drive `changes.list` per
//! user per pass says which docs changed since the last look; only those are read again. A doc
//! this app cannot see in Drive (an adopted one, under the `drive.file` scope) never shows up
//! in the list (Drive's `drive.file` scope: "files that the app created or that were opened or
//! shared with the app"; a Docs API read is neither), so for those the observation checks the
//! doc's `revisionId` whenever this list was asked ([`ChangedDocs::asked_drive`]), i.e. on the
//! same debounce. Drive failing says [`DocChange::Unknown`], which the schedule re-reads on its
//! debounce.

use super::Reconciler;
use crate::domain::schedule::DocChange;
use crate::google::Clients;
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// The docs Drive says changed since the last look, fetched at most once per user per pass and
/// at most once per re-harvest debounce period (a re-harvest is not due more often anyway), so
/// most idle polls stay a single Calendar call.
#[derive(Default)]
pub(super) struct ChangedDocs {
    /// `None` until asked; `Some(None)` when nobody can say (treat all as unknown).
    changed: Option<Option<HashSet<String>>>,
    /// Where Drive's change list stands now, to be remembered once the pass is applied.
    pub new_token: Option<String>,
    /// Where it stood before this look: remembered again (with the time of this look, so the
    /// debounce holds) instead of `new_token` when a doc it reported could not be read.
    pub old_token: Option<String>,
    /// Why Drive could not say, for the pass report.
    pub problem: Option<String>,
    /// Drive's change list was asked this pass (the debounce had passed and it answered).
    asked: bool,
    /// When the list is next due to be asked (its debounce ends), once it was consulted.
    next_look: Option<DateTime<Utc>>,
    /// A Drive push notification said the list grew: ask it now, debounce or not.
    pushed: bool,
}

impl ChangedDocs {
    /// For one pass; `pushed` when a Drive notification arrived since the last pass.
    pub fn new(pushed: bool) -> ChangedDocs {
        ChangedDocs {
            pushed,
            ..ChangedDocs::default()
        }
    }

    /// Whether `doc_id` changed since the last look; asks Drive on first use.
    pub async fn of(
        &mut self,
        r: &Reconciler<'_>,
        clients: &Clients,
        doc_id: &str,
        now: DateTime<Utc>,
    ) -> Result<DocChange, StoreError> {
        if self.changed.is_none() {
            let fetched = self.fetch(r, clients, now).await?;
            self.changed = Some(fetched);
        }
        Ok(match &self.changed {
            Some(Some(ids)) if ids.contains(doc_id) => DocChange::Changed,
            Some(Some(_)) => DocChange::Unchanged,
            _ => DocChange::Unknown,
        })
    }

    /// Whether this pass asked Drive's change list (after [`ChangedDocs::of`]): the moment,
    /// once per re-harvest debounce, to check the docs the list cannot report.
    pub fn asked_drive(&self) -> bool {
        self.asked
    }

    /// When Drive's change list is next due to be asked; `None` when no series needed it this
    /// pass. A quiet user ([`super::quiet`]) wakes by then, so re-harvests are not delayed.
    pub fn next_look(&self) -> Option<DateTime<Utc>> {
        self.next_look
    }

    async fn fetch(
        &mut self,
        r: &Reconciler<'_>,
        clients: &Clients,
        now: DateTime<Utc>,
    ) -> Result<Option<HashSet<String>>, StoreError> {
        let user = clients.user.as_str();
        let debounce = r.settings.schedule.reharvest_debounce;
        self.next_look = Some(now + debounce);
        let Some((token, looked_at)) = r.store(|s| s.drive_page_token_at(user))? else {
            // First look: remember where Drive is now; everything counts as unknown once.
            match clients.drive.changes_start_token().await {
                Ok(start) => self.new_token = Some(start),
                Err(e) => {
                    tracing::warn!(user, error = %e, "cannot start Drive's change list; re-reading docs on the debounce")
                }
            }
            return Ok(None);
        };
        if now - looked_at < debounce && !self.pushed {
            self.next_look = Some(looked_at + debounce);
            // Looked recently: nothing counts as changed yet; the token is not advanced, so
            // the next look still sees every change since the last one.
            return Ok(Some(HashSet::new()));
        }
        match clients.drive.changes_since(&token).await {
            Ok(changes) => {
                self.asked = true;
                self.new_token = Some(changes.new_start_token);
                self.old_token = Some(token);
                Ok(Some(changes.file_ids.into_iter().collect()))
            }
            Err(e) => {
                self.problem = Some(format!(
                    "{user}: Drive changes.list: {e} (re-reading docs instead)"
                ));
                Ok(None)
            }
        }
    }
}

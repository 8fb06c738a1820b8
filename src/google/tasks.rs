//! Tasks v1 as one task owner: find or create our task list, read its tasks incrementally,
//! insert, patch.
//!
//! The owner is the person the action item belongs to, not necessarily a served user: with a
//! service account the daemon acts as the owner by domain-wide delegation (scope
//! [`scopes::TASKS`]), so the task is in *their* Google Tasks. [`TasksClients`] builds one
//! client per owner on first use and keeps it for the process.
//!
//! `tasks.insert` is not idempotent: it is retried only when Google refused it outright (a rate
//! limit). An insert whose answer was lost may have created the task; the caller finds it again
//! by the marker in its notes on the next read instead of inserting twice.
//!
//! Tasks calls pass no per-minute budget (`google::quota`): Google's Tasks quota is per day
//! (50,000 queries per project), and the reconcile step already reads each owner's tasks at most
//! once per debounce; the calls are still counted in the metrics.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, SecondsFormat, Utc};
use google_tasks1::api::{Task, TaskList};
use google_tasks1::TasksHub;

use super::attempt::attempt;
use super::connector::{HttpsConnector, Transport};
use super::errors::GoogleError;
use super::paging::all_pages;
use super::quota::Gate;
use super::retry::{retry_if, with_retry, RetryPolicy};
use super::scopes;
use crate::config::GoogleConfig;

/// Google's largest `tasks.list` page ("The default is 20 (max allowed: 100)").
const TASKS_PAGE: i32 = 100;
/// Google's largest `tasklists.list` page ("The default is 1000 (max allowed: 1000)").
const LISTS_PAGE: i32 = 1000;

/// Tasks v1 acting as one owner.
pub struct TasksApi {
    hub: TasksHub<HttpsConnector>,
    policy: RetryPolicy,
}

impl TasksApi {
    /// The id of the owner's task list titled `title`, if there is one (the first, when a
    /// person made several).
    pub async fn find_list(&self, title: &str) -> Result<Option<String>, GoogleError> {
        let lists: Vec<TaskList> = all_pages("tasks.tasklists.list", |page| async move {
            with_retry(
                &self.policy,
                &Gate::unmetered(),
                "tasks.tasklists.list",
                || {
                    let page = page.clone();
                    async move {
                        let mut call = self
                            .hub
                            .tasklists()
                            .list()
                            .max_results(LISTS_PAGE)
                            .add_scope(scopes::TASKS);
                        if let Some(p) = &page {
                            call = call.page_token(p);
                        }
                        let (_, lists) = attempt!(self.policy, call, doit())?;
                        Ok((lists.items.unwrap_or_default(), lists.next_page_token))
                    }
                },
            )
            .await
        })
        .await?;
        Ok(lists
            .into_iter()
            .find(|l| l.title.as_deref() == Some(title))
            .and_then(|l| l.id))
    }

    /// Creates the owner's task list `title`; returns its id. Not retried after an unknown
    /// outcome (a second list would be made): the next pass finds it by title.
    pub async fn insert_list(&self, title: &str) -> Result<String, GoogleError> {
        let list = TaskList {
            title: Some(title.to_string()),
            ..Default::default()
        };
        let list = &list;
        let made = retry_if(
            &self.policy,
            &Gate::unmetered(),
            "tasks.tasklists.insert",
            GoogleError::is_refusal,
            || async move {
                let call = self
                    .hub
                    .tasklists()
                    .insert(list.clone())
                    .add_scope(scopes::TASKS);
                attempt!(self.policy, call, doit()).map(|(_, l)| l)
            },
        )
        .await?;
        made.id.ok_or_else(|| GoogleError::Permanent {
            code: None,
            reason: Some("missingId".into()),
            message: "tasklists.insert answered without an id".into(),
        })
    }

    /// Every task of `list` changed at or after `updated_min` (all of them without one),
    /// including completed, hidden (completed in Google's own apps) and deleted ones: each of
    /// those is news for the ledger.
    pub async fn list_tasks(
        &self,
        list: &str,
        updated_min: Option<DateTime<Utc>>,
    ) -> Result<Vec<Task>, GoogleError> {
        let updated_min = updated_min.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true));
        let updated_min = updated_min.as_deref();
        all_pages("tasks.tasks.list", |page| async move {
            with_retry(&self.policy, &Gate::unmetered(), "tasks.tasks.list", || {
                let page = page.clone();
                async move {
                    let mut call = self
                        .hub
                        .tasks()
                        .list(list)
                        .max_results(TASKS_PAGE)
                        .show_completed(true)
                        .show_hidden(true)
                        .show_deleted(true)
                        .add_scope(scopes::TASKS);
                    if let Some(min) = updated_min {
                        call = call.updated_min(min);
                    }
                    if let Some(p) = &page {
                        call = call.page_token(p);
                    }
                    let (_, tasks) = attempt!(self.policy, call, doit())?;
                    Ok((tasks.items.unwrap_or_default(), tasks.next_page_token))
                }
            })
            .await
        })
        .await
    }

    /// Inserts `task` into `list` (retried only on a refusal, see the module doc).
    pub async fn insert_task(&self, list: &str, task: Task) -> Result<Task, GoogleError> {
        let task = &task;
        retry_if(
            &self.policy,
            &Gate::unmetered(),
            "tasks.tasks.insert",
            GoogleError::is_refusal,
            || async move {
                let call = self
                    .hub
                    .tasks()
                    .insert(task.clone(), list)
                    .add_scope(scopes::TASKS);
                attempt!(self.policy, call, doit()).map(|(_, t)| t)
            },
        )
        .await
    }

    /// Patches the fields set in `patch` (idempotent, hence retried).
    pub async fn patch_task(&self, list: &str, id: &str, patch: Task) -> Result<Task, GoogleError> {
        let patch = &patch;
        with_retry(
            &self.policy,
            &Gate::unmetered(),
            "tasks.tasks.patch",
            || async move {
                let call = self
                    .hub
                    .tasks()
                    .patch(patch.clone(), list, id)
                    .add_scope(scopes::TASKS);
                attempt!(self.policy, call, doit()).map(|(_, t)| t)
            },
        )
        .await
    }

    /// The cheapest call that proves the `tasks` scope is delegated for this owner: one
    /// `tasklists.list` page of at most one list (for `oneonone check`).
    pub async fn probe(&self) -> Result<(), GoogleError> {
        with_retry(
            &self.policy,
            &Gate::unmetered(),
            "tasks.tasklists.list",
            || async move {
                let call = self
                    .hub
                    .tasklists()
                    .list()
                    .max_results(1)
                    .param("fields", "nextPageToken")
                    .add_scope(scopes::TASKS);
                attempt!(self.policy, call, doit()).map(|_| ())
            },
        )
        .await
    }
}

/// One [`TasksApi`] per task owner, made on first use and kept for the process (each holds its
/// own authenticator, whose token is cached per scope).
pub struct TasksClients {
    transport: Transport,
    google: GoogleConfig,
    by_owner: Mutex<HashMap<String, Arc<TasksApi>>>,
    /// Owners whose last attempt failed, and when to try them again: an owner outside the
    /// delegation (or a quota spent) costs one failing call per wait, not one per pass.
    held: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl TasksClients {
    pub fn new(google: &GoogleConfig) -> TasksClients {
        TasksClients {
            transport: Transport::new(google),
            google: google.clone(),
            by_owner: Mutex::new(HashMap::new()),
            held: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `owner` is held back at `now` (a recent failure), and until when.
    pub fn held_until(&self, owner: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.get(&owner.to_ascii_lowercase())
            .copied()
            .filter(|until| now < *until)
    }

    /// Holds `owner` back until `until` (`None`: lets them go again).
    pub fn hold(&self, owner: &str, until: Option<DateTime<Utc>>) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        match until {
            Some(t) => held.insert(owner.to_ascii_lowercase(), t),
            None => held.remove(&owner.to_ascii_lowercase()),
        };
    }

    /// The client acting as `owner` (an e-mail address).
    pub async fn for_owner(&self, owner: &str) -> Result<Arc<TasksApi>, GoogleError> {
        let key = owner.to_ascii_lowercase();
        if let Some(api) = self.lock().get(&key) {
            return Ok(api.clone());
        }
        let auth = super::auth::authenticator(&self.transport, &self.google.auth, &key).await?;
        let mut hub = TasksHub::new(self.transport.hub_client.clone(), auth);
        hub.base_url(self.transport.urls.tasks_base.clone());
        hub.root_url(self.transport.urls.tasks_root.clone());
        let api = Arc::new(TasksApi {
            hub,
            policy: self.transport.policy,
        });
        Ok(self.lock().entry(key).or_insert(api).clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<TasksApi>>> {
        self.by_owner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

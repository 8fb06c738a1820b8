//! Adapters over the generated Google crates: the imperative shell's edge.
//!
//! [`Clients`] bundles, for one served user, a Calendar, a Docs and a Drive client that share
//! one [`Transport`] (TLS connector, connection pools, base URLs, retry policy) and one
//! authenticator acting as that user. Each adapter method is one API call (or one paginated
//! walk) that always
//! * asks for exactly one least-privilege scope ([`scopes`]) — the crates' defaults are broader
//!   or wrong, and domain-wide delegation refuses scopes the admin did not grant;
//! * records the HTTP status and `Retry-After` the crates would drop ([`errors`]);
//! * times out, and retries what is safe to retry ([`retry`]);
//! * returns [`GoogleError`], whose variants say what to do next.
//!
//! Only wire types cross this boundary: Google's JSON (`serde_json::Value`) for what the domain
//! parses, and the crates' request/response structs for what reconcile builds.

mod attempt;
pub mod auth;
pub mod calendar;
pub mod connector;
pub(crate) mod docs;
pub(crate) mod drive;
pub(crate) mod errors;
pub mod login;
mod paging;
pub(crate) mod people;
pub mod quota;
pub(crate) mod retry;
pub mod tasks;
mod wire;

pub use auth::Authenticator;
pub use calendar::{CalendarApi, EventsPage, EventsSync, OpenedChannel, SyncMode};
pub use connector::{ApiUrls, Transport};
pub use docs::DocsApi;
pub use drive::{DriveApi, DriveChanges, Role};
pub use errors::GoogleError;
pub use login::{login, LoginMethod};
pub use people::PeopleApi;
use quota::Api;
pub use retry::RetryPolicy;
pub use tasks::{TasksApi, TasksClients};

use google_calendar3::CalendarHub;
use google_docs1::Docs;
use google_drive3::DriveHub;
use google_people1::PeopleService;

use crate::config::{GoogleAuth, GoogleConfig};

/// The OAuth scopes oneonone uses, and nothing broader.
pub mod scopes {
    /// Read and change events (attachments) — not calendar settings or ACLs.
    pub const CALENDAR_EVENTS: &str = "https://www.googleapis.com/auth/calendar.events";
    /// Read and edit Google Docs.
    pub const DOCUMENTS: &str = "https://www.googleapis.com/auth/documents";
    /// Only the Drive files this app created or was given.
    pub const DRIVE_FILE: &str = "https://www.googleapis.com/auth/drive.file";
    /// All three, e.g. for the installed-app sign-in.
    pub const ALL: [&str; 3] = [CALENDAR_EVENTS, DOCUMENTS, DRIVE_FILE];
    /// Read the Workspace directory (people's names), only when `names.directory` is on.
    pub const DIRECTORY_READONLY: &str = "https://www.googleapis.com/auth/directory.readonly";
    /// The owners' Google Tasks, only when `[tasks] enabled = true` (the only Tasks scope that
    /// can write; `tasks.readonly` cannot insert).
    pub const TASKS: &str = "https://www.googleapis.com/auth/tasks";
}

/// The three API clients acting as one served user.
pub struct Clients {
    /// The user's e-mail address (the JWT subject).
    pub user: String,
    pub calendar: CalendarApi,
    pub docs: DocsApi,
    pub drive: DriveApi,
    /// The directory, for people's names (used only when `names.directory` is on).
    pub people: PeopleApi,
    /// How to act as another user of the domain (the organizer of a 1-1 the served user only
    /// attends), when the auth mode allows it: only a service account with domain-wide
    /// delegation can; an installed-app sign-in is one person.
    delegation: Option<Delegation>,
}

/// What [`Clients::calendar_as`] needs to sign in as someone else.
#[derive(Clone)]
struct Delegation {
    transport: Transport,
    auth: GoogleAuth,
}

impl Clients {
    /// Clients acting as `user`, over a shared `transport`. No request is made yet: a bad key
    /// or missing delegation shows on the first call as [`GoogleError::Unauthorized`].
    pub async fn connect(
        transport: &Transport,
        google: &GoogleConfig,
        user: &str,
    ) -> Result<Clients, GoogleError> {
        let auth = auth::authenticator(transport, &google.auth, user).await?;
        let mut clients = Clients::with_auth(transport, user, auth);
        if matches!(google.auth, GoogleAuth::ServiceAccount { .. }) {
            clients.delegation = Some(Delegation {
                transport: transport.clone(),
                auth: google.auth.clone(),
            });
        }
        Ok(clients)
    }

    /// Whether [`Clients::calendar_as`] can act as other users of the domain.
    pub fn can_delegate(&self) -> bool {
        self.delegation.is_some()
    }

    /// A Calendar client acting as `email`, another user of the served user's domain, under
    /// domain-wide delegation; used only to attach the doc to an event that user organises,
    /// with the same `calendar.events` scope. Built on demand: it is needed once per series.
    pub async fn calendar_as(&self, email: &str) -> Result<CalendarApi, GoogleError> {
        let Some(d) = &self.delegation else {
            return Err(GoogleError::Setup {
                message: format!(
                    "cannot act as {email}: only a service account with domain-wide \
                     delegation can (google.auth = \"service_account\")"
                ),
            });
        };
        let auth = auth::authenticator(&d.transport, &d.auth, email).await?;
        Ok(Clients::with_auth(&d.transport, email, auth).calendar)
    }

    /// The hubs pointed at the transport's URLs, all using `auth` for tokens.
    fn with_auth<A>(transport: &Transport, user: &str, auth: A) -> Clients
    where
        A: google_calendar3::common::GetToken + Clone + 'static,
    {
        let urls = &transport.urls;
        let quotas = transport.quotas.for_user();
        let gate = |api| transport.quotas.gate(&quotas, api);

        let mut calendar = CalendarHub::new(transport.hub_client.clone(), auth.clone());
        calendar.base_url(urls.calendar_base.clone());
        calendar.root_url(urls.calendar_root.clone());

        let mut docs = Docs::new(transport.hub_client.clone(), auth.clone());
        docs.base_url(urls.docs_base.clone());
        docs.root_url(urls.docs_root.clone());

        let mut drive = DriveHub::new(transport.hub_client.clone(), auth.clone());
        drive.base_url(urls.drive_base.clone());
        drive.root_url(urls.drive_root.clone());

        let mut people = PeopleService::new(transport.hub_client.clone(), auth);
        people.base_url(urls.people_base.clone());
        people.root_url(urls.people_root.clone());

        Clients {
            user: user.to_string(),
            calendar: CalendarApi::new(calendar, transport.policy, gate(Api::Calendar)),
            docs: DocsApi::new(
                docs,
                transport.policy,
                gate(Api::DocsRead),
                gate(Api::DocsWrite),
            ),
            drive: DriveApi::new(drive, transport.policy, gate(Api::Drive)),
            // The directory is asked once per person per `names.refresh`: no budget to keep.
            people: PeopleApi::new(people, transport.policy),
            delegation: None,
        }
    }

    /// Clients for every user the configuration serves, sharing one transport.
    pub async fn connect_all(google: &GoogleConfig) -> Result<Vec<Clients>, GoogleError> {
        let transport = Transport::new(google);
        let mut all = Vec::with_capacity(google.auth.users().len());
        for user in google.auth.users() {
            all.push(Clients::connect(&transport, google, user).await?);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod wiring_tests;

//! The sandbox's Google Tasks v1 against Google's reference
//! (<https://developers.google.com/workspace/tasks/reference/rest>), through the real generated
//! `google-tasks1` client where it can express the call, and raw HTTP for what it cannot
//! (malformed input, missing scopes).

use google_tasks1::api::{Task, TaskList};
use google_tasks1::TasksHub;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use serde_json::{json, Value};

const TASKS: &str = "https://www.googleapis.com/auth/tasks";

async fn start() -> (Sandbox, SandboxClient) {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let control = SandboxClient::new(&sandbox.url);
    for email in ["alice@example.com", "bob@example.com"] {
        control
            .add_user(email, email, "Europe/Paris")
            .await
            .expect("add user");
    }
    (sandbox, control)
}

type Auth = yup_oauth2::authenticator::Authenticator<HttpConnector>;

async fn hub(control: &SandboxClient, subject: &str) -> TasksHub<HttpConnector> {
    let key: yup_oauth2::ServiceAccountKey =
        serde_json::from_value(control.service_account_key().await.expect("key")).expect("key");
    let auth_http: Client<HttpConnector, String> =
        Client::builder(TokioExecutor::new()).build_http();
    let auth: Auth = yup_oauth2::ServiceAccountAuthenticator::with_client(
        key,
        yup_oauth2::CustomHyperClientBuilder::from(auth_http),
    )
    .subject(subject)
    .build()
    .await
    .expect("authenticator");
    let mut hub = TasksHub::new(Client::builder(TokioExecutor::new()).build_http(), auth);
    hub.base_url(control.base_url().to_string());
    hub.root_url(control.base_url().to_string());
    hub
}

/// A raw call with a token for `scopes`; returns (status, body).
async fn raw(
    control: &SandboxClient,
    method: reqwest::Method,
    path: &str,
    scopes: &[&str],
    body: Option<Value>,
) -> (u16, Value) {
    let token = control
        .token("alice@example.com", scopes)
        .await
        .expect("token");
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", control.base_url()))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("answer");
    let status = resp.status().as_u16();
    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

async fn new_list(hub: &TasksHub<HttpConnector>, title: &str) -> String {
    let list = TaskList {
        title: Some(title.into()),
        ..Default::default()
    };
    let (_, list) = hub
        .tasklists()
        .insert(list)
        .add_scope(TASKS)
        .doit()
        .await
        .expect("tasklists.insert");
    list.id.expect("list id")
}

fn task(title: &str) -> Task {
    Task {
        title: Some(title.into()),
        ..Default::default()
    }
}

/// tasklists.list: every account has its default list; an inserted list is listed with
/// Google's fields (kind `tasks#taskList`, etag, updated, selfLink).
#[tokio::test]
async fn tasklists_insert_and_list_with_the_default_list() {
    let (_sandbox, control) = start().await;
    let hub = hub(&control, "alice@example.com").await;
    let id = new_list(&hub, "1:1 action items").await;
    let (_, lists) = hub
        .tasklists()
        .list()
        .add_scope(TASKS)
        .doit()
        .await
        .expect("tasklists.list");
    let items = lists.items.expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].title.as_deref(), Some("My Tasks"));
    let ours = &items[1];
    assert_eq!(ours.id.as_deref(), Some(id.as_str()));
    assert_eq!(ours.kind.as_deref(), Some("tasks#taskList"));
    assert!(ours.etag.is_some() && ours.updated.is_some());
    assert!(ours
        .self_link
        .as_deref()
        .unwrap()
        .ends_with(&format!("tasks/v1/users/@me/lists/{id}")));
    assert_eq!(lists.kind.as_deref(), Some("tasks#taskLists"));
    // Another user does not see Alice's list.
    let bob = self::hub(&control, "bob@example.com").await;
    let (_, theirs) = bob
        .tasklists()
        .list()
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(theirs.items.unwrap().len(), 1);
    let err = bob
        .tasks()
        .list(&id)
        .add_scope(TASKS)
        .doit()
        .await
        .expect_err("someone else's list is not found");
    assert!(format!("{err:?}").contains("404"), "{err:?}");
}

/// Task resource: `due` records the date only, "the time portion of the timestamp is discarded
/// when setting this field"; status `completed` sets `completed`, back to `needsAction` drops it.
#[tokio::test]
async fn due_is_date_only_and_completion_round_trips() {
    let (_sandbox, control) = start().await;
    let hub = hub(&control, "alice@example.com").await;
    let list = new_list(&hub, "L").await;
    let mut t = task("send the Q3 draft");
    t.due = Some("2026-11-27T15:45:00+01:00".into());
    t.notes = Some("from the 1:1".into());
    let (_, made) = hub
        .tasks()
        .insert(t, &list)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(made.due.as_deref(), Some("2026-11-27T00:00:00.000Z"));
    assert_eq!(made.status.as_deref(), Some("needsAction"));
    assert!(made.completed.is_none());
    assert_eq!(made.kind.as_deref(), Some("tasks#task"));
    assert!(made.web_view_link.is_some() && made.self_link.is_some() && made.etag.is_some());
    let id = made.id.clone().unwrap();

    let done = Task {
        status: Some("completed".into()),
        ..Default::default()
    };
    let (_, patched) = hub
        .tasks()
        .patch(done, &list, &id)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(patched.status.as_deref(), Some("completed"));
    assert!(patched.completed.is_some());
    assert_eq!(
        patched.title.as_deref(),
        Some("send the Q3 draft"),
        "patch keeps other fields"
    );
    assert_ne!(patched.etag, made.etag);

    let reopen = Task {
        status: Some("needsAction".into()),
        ..Default::default()
    };
    let (_, reopened) = hub
        .tasks()
        .patch(reopen, &list, &id)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert!(reopened.completed.is_none());
    let (_, got) = hub
        .tasks()
        .get(&list, &id)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(got.status.as_deref(), Some("needsAction"));
    assert_eq!(got.notes.as_deref(), Some("from the 1:1"));
}

/// tasks.list: default page 20, max 100, `nextPageToken` until the last page.
#[tokio::test]
async fn tasks_list_pages_with_googles_sizes() {
    let (_sandbox, control) = start().await;
    let hub = hub(&control, "alice@example.com").await;
    let list = new_list(&hub, "L").await;
    for i in 0..25 {
        hub.tasks()
            .insert(task(&format!("t{i}")), &list)
            .add_scope(TASKS)
            .doit()
            .await
            .unwrap();
    }
    let (_, first) = hub
        .tasks()
        .list(&list)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(
        first.items.as_ref().unwrap().len(),
        20,
        "default maxResults is 20"
    );
    let token = first.next_page_token.clone().expect("more pages");
    let (_, second) = hub
        .tasks()
        .list(&list)
        .page_token(&token)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(second.items.unwrap().len(), 5);
    assert!(second.next_page_token.is_none());
    let path = format!("tasks/v1/lists/{list}/tasks?maxResults=101");
    let (status, body) = raw(&control, reqwest::Method::GET, &path, &[TASKS], None).await;
    assert_eq!(status, 400, "{body}");
    let path = format!("tasks/v1/lists/{list}/tasks?pageToken=garbage");
    let (status, _) = raw(&control, reqwest::Method::GET, &path, &[TASKS], None).await;
    assert_eq!(status, 400);
}

/// tasks.list filters: `showCompleted` (default true), `showHidden` (default false; tasks
/// completed in Google's own apps are hidden), `showDeleted` (default false), `updatedMin`.
#[tokio::test]
async fn list_filters_follow_the_reference() {
    let (sandbox, control) = start().await;
    let hub = hub(&control, "alice@example.com").await;
    let list = new_list(&hub, "L").await;
    let mut ids = Vec::new();
    for name in ["open", "api-done", "ui-done", "deleted"] {
        let (_, t) = hub
            .tasks()
            .insert(task(name), &list)
            .add_scope(TASKS)
            .doit()
            .await
            .unwrap();
        ids.push(t.id.unwrap());
    }
    let done = Task {
        status: Some("completed".into()),
        ..Default::default()
    };
    hub.tasks()
        .patch(done, &list, &ids[1])
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    control
        .post(
            "_sandbox/tasks/complete",
            json!({"user": "alice@example.com", "task": ids[2]}),
        )
        .await
        .unwrap();
    hub.tasks()
        .delete(&list, &ids[3])
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();

    let titles = |tasks: google_tasks1::api::Tasks| -> Vec<String> {
        tasks
            .items
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| t.title)
            .collect()
    };
    let (_, default) = hub
        .tasks()
        .list(&list)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    let mut d = titles(default);
    d.sort();
    assert_eq!(
        d,
        ["api-done", "open"],
        "UI-completed (hidden) and deleted are not listed by default"
    );
    let (_, all) = hub
        .tasks()
        .list(&list)
        .show_hidden(true)
        .show_deleted(true)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(all.items.as_ref().unwrap().len(), 4);
    let deleted = all
        .items
        .unwrap()
        .into_iter()
        .find(|t| t.id.as_ref() == Some(&ids[3]))
        .unwrap();
    assert_eq!(deleted.deleted, Some(true));
    let (_, open) = hub
        .tasks()
        .list(&list)
        .show_completed(false)
        .show_hidden(true)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(titles(open), ["open"]);

    // updatedMin: only tasks changed at or after the bound.
    control
        .advance(chrono::Duration::minutes(10))
        .await
        .unwrap();
    let since = control.now().await.unwrap();
    let rename = Task {
        title: Some("open, renamed".into()),
        ..Default::default()
    };
    hub.tasks()
        .patch(rename, &list, &ids[0])
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    let (_, changed) = hub
        .tasks()
        .list(&list)
        .updated_min(&since.to_rfc3339())
        .show_hidden(true)
        .add_scope(TASKS)
        .doit()
        .await
        .unwrap();
    assert_eq!(titles(changed), ["open, renamed"]);
    assert!(
        sandbox.state.lock().stats.calls["tasks.tasks.list"] >= 4,
        "counted by method"
    );
}

/// Errors: 404 for an unknown list or task, 400 for bad input, 403 without the tasks scope
/// ("Requires one of the following OAuth scopes: …/auth/tasks, …/auth/tasks.readonly"; writes
/// only `tasks`).
#[tokio::test]
async fn errors_are_googles() {
    let (_sandbox, control) = start().await;
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;
    let (s, body) = raw(
        &control,
        get.clone(),
        "tasks/v1/lists/nope/tasks",
        &[TASKS],
        None,
    )
    .await;
    assert_eq!((s, body["error"]["code"].as_i64()), (404, Some(404)));
    assert_eq!(body["error"]["errors"][0]["reason"], "notFound");
    let (s, _) = raw(
        &control,
        get.clone(),
        "tasks/v1/lists/@default/tasks/nope",
        &[TASKS],
        None,
    )
    .await;
    assert_eq!(s, 404);
    let long = "x".repeat(1025);
    let (s, _) = raw(
        &control,
        post.clone(),
        "tasks/v1/lists/@default/tasks",
        &[TASKS],
        Some(json!({"title": long})),
    )
    .await;
    assert_eq!(s, 400, "title over 1024 characters");
    let (s, _) = raw(
        &control,
        post.clone(),
        "tasks/v1/lists/@default/tasks",
        &[TASKS],
        Some(json!({"title": "a", "status": "done"})),
    )
    .await;
    assert_eq!(s, 400, "status is needsAction or completed");
    let (s, _) = raw(
        &control,
        post.clone(),
        "tasks/v1/lists/@default/tasks",
        &[TASKS],
        Some(json!({"title": "a", "due": "Friday"})),
    )
    .await;
    assert_eq!(s, 400, "due must be RFC 3339");
    let (s, _) = raw(
        &control,
        post.clone(),
        "tasks/v1/lists/@default/tasks",
        &[TASKS],
        Some(json!({"title": "a", "colour": "red"})),
    )
    .await;
    assert_eq!(s, 400, "unknown field");
    let (s, _) = raw(
        &control,
        post.clone(),
        "tasks/v1/users/@me/lists",
        &[TASKS],
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 400, "a list needs a title");
    let (s, body) = raw(
        &control,
        get.clone(),
        "tasks/v1/users/@me/lists",
        &["calendar.events"],
        None,
    )
    .await;
    assert_eq!(s, 403, "{body}");
    let ro = "https://www.googleapis.com/auth/tasks.readonly";
    let (s, _) = raw(&control, get, "tasks/v1/users/@me/lists", &[ro], None).await;
    assert_eq!(s, 200, "reads accept tasks.readonly");
    let (s, _) = raw(
        &control,
        post,
        "tasks/v1/lists/@default/tasks",
        &[ro],
        Some(json!({"title": "a"})),
    )
    .await;
    assert_eq!(s, 403, "writes need tasks");
}

/// Tasks calls take the one path of every sandbox call: scripted faults apply and errors are
/// counted by method.
#[tokio::test]
async fn faults_apply_to_tasks_calls() {
    let (_sandbox, control) = start().await;
    control
        .post(
            "_sandbox/faults",
            json!({"method": "tasks.tasklists.list", "status": 503, "times": 1}),
        )
        .await
        .unwrap();
    let hub = hub(&control, "alice@example.com").await;
    assert!(hub
        .tasklists()
        .list()
        .add_scope(TASKS)
        .doit()
        .await
        .is_err());
    assert!(hub.tasklists().list().add_scope(TASKS).doit().await.is_ok());
    let stats = control.stats().await.unwrap();
    assert_eq!(stats["errors"]["tasks.tasklists.list"], 1);
}

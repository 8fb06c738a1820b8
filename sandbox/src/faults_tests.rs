use super::*;

fn scripted(method: &str, kind: FaultKind, status: Option<u16>, times: u32) -> ScriptedFault {
    ScriptedFault {
        method: method.into(),
        kind,
        status,
        times,
        delay_ms: None,
        reason: None,
        message: None,
        skip: 0,
        retry_after_s: None,
        user: None,
    }
}

#[test]
fn scripted_status_hits_exactly_times_calls_of_its_method() {
    let mut f = Faults::default();
    f.add_scripted(scripted(
        "drive.files.list",
        FaultKind::Status,
        Some(429),
        2,
    ))
    .unwrap();
    assert_eq!(f.next("drive.files.get", None), None);
    for _ in 0..2 {
        let a = f.next("drive.files.list", None).unwrap();
        assert_eq!(a.status, Some(StatusCode::TOO_MANY_REQUESTS));
        assert!(!a.drop_connection);
    }
    assert_eq!(f.next("drive.files.list", None), None);
    assert!(f.scripted.is_empty());
}

#[test]
fn wildcards_timeouts_and_revision_bumps() {
    let mut f = Faults::default();
    f.add_scripted(scripted("docs.*", FaultKind::RevisionBump, None, 1))
        .unwrap();
    f.add_scripted(scripted("*", FaultKind::Timeout, None, 1))
        .unwrap();
    // A revision bump is not a transport fault.
    let a = f.next("docs.documents.batchUpdate", None).unwrap();
    assert!(a.drop_connection);
    assert_eq!(
        a.delay,
        Some(Duration::from_millis(DEFAULT_TIMEOUT_DELAY_MS))
    );
    assert!(!f.take_revision_bump("calendar.events.list"));
    assert!(f.take_revision_bump("docs.documents.batchUpdate"));
    assert!(!f.take_revision_bump("docs.documents.batchUpdate"));
}

#[test]
fn refuses_bad_specs() {
    let mut f = Faults::default();
    assert_eq!(
        f.add_scripted(scripted("x", FaultKind::Status, Some(200), 1)),
        Err(FaultSpecError::Status(200))
    );
    assert_eq!(
        f.add_scripted(scripted("", FaultKind::Status, None, 1)),
        Err(FaultSpecError::EmptyMethod)
    );
    assert!(RandomFaults::new(1.5, vec![500], 1, None).is_err());
    assert!(RandomFaults::new(0.5, vec![], 1, None).is_err());
    assert!(RandomFaults::new(0.5, vec![99], 1, None).is_err());
}

fn run(seed: u64, n: usize) -> Vec<Option<FaultAction>> {
    let mut f = Faults::default();
    f.set_random(RandomFaults::new(0.3, vec![500, 503, 429], seed, None).unwrap());
    (0..n)
        .map(|_| f.next("calendar.events.list", None))
        .collect()
}

#[test]
fn random_faults_are_reproducible_and_roughly_at_rate() {
    let a = run(7, 1000);
    assert_eq!(a, run(7, 1000));
    assert_ne!(a, run(8, 1000));
    let hits = a.iter().filter(|x| x.is_some()).count();
    assert!((200..400).contains(&hits), "{hits} of 1000 at rate 0.3");
    let mut f = Faults::default();
    f.set_random(RandomFaults::new(1.0, vec![500], 1, None).unwrap());
    assert_eq!(
        f.next("oauth2.token", None),
        None,
        "token endpoint spared by default"
    );
}

#[test]
fn a_reloaded_state_continues_the_same_sequence() {
    let mut f = Faults::default();
    f.set_random(RandomFaults::new(0.5, vec![500, 503], 42, None).unwrap());
    let first: Vec<_> = (0..10).map(|_| f.next("m", None)).collect();
    let saved = serde_json::to_string(&f).unwrap();
    let rest: Vec<_> = (0..10).map(|_| f.next("m", None)).collect();
    let mut reloaded: Faults = serde_json::from_str(&saved).unwrap();
    let rest_again: Vec<_> = (0..10).map(|_| reloaded.next("m", None)).collect();
    assert_eq!(rest, rest_again);
    assert_eq!(first.len(), 10);
}

#[test]
fn skip_lets_calls_through_before_the_fault_hits() {
    let mut f = Faults::default();
    let mut lost = scripted("drive.files.create", FaultKind::LostAnswer, None, 1);
    lost.skip = 1;
    f.add_scripted(lost).unwrap();
    assert_eq!(
        f.next("drive.files.create", None),
        None,
        "the first call passes"
    );
    let hit = f
        .next("drive.files.create", None)
        .expect("the second is hit");
    assert!(hit.drop_connection && hit.apply_first);
    assert_eq!(f.next("drive.files.create", None), None, "used up");
}

#[test]
fn a_fault_for_one_user_spares_the_others_and_carries_its_retry_after() {
    let mut f = Faults::default();
    let mut one = scripted("calendar.events.list", FaultKind::Status, Some(429), 1);
    one.user = Some("Alice@example.com".into());
    one.retry_after_s = Some(300);
    f.add_scripted(one).unwrap();
    assert_eq!(
        f.next("calendar.events.list", Some("bob@example.com")),
        None
    );
    assert_eq!(f.next("calendar.events.list", None), None);
    let hit = f
        .next("calendar.events.list", Some("alice@example.com"))
        .expect("alice is hit");
    assert_eq!(hit.retry_after_s, Some(300));
    assert_eq!(
        f.next("calendar.events.list", Some("alice@example.com")),
        None
    );
}

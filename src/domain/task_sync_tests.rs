// Tests build one-element slices from values they reuse; clones read better than from_ref here.
#![allow(clippy::cloned_ref_to_slice_refs)]

use super::*;
use proptest::prelude::*;

fn slot(position: u32) -> Slot {
    Slot {
        series: "s".into(),
        occurrence: "o".into(),
        position,
    }
}

fn wanted(marker: &str, position: u32, done: bool) -> Wanted {
    Wanted {
        marker: marker.into(),
        slot: slot(position),
        title: format!("task {marker}"),
        due: None,
        done,
        done_by_task: false,
    }
}

fn known(w: &Wanted, id: &str, state: TaskState) -> Known {
    Known {
        marker: w.marker.clone(),
        slot: w.slot.clone(),
        task_id: Some(id.into()),
        state,
        title: w.title.clone(),
        due: w.due,
    }
}

fn seen(id: &str, marker: &str, completed: bool, deleted: bool) -> Seen {
    Seen {
        id: id.into(),
        marker: Some(marker.into()),
        completed,
        deleted,
    }
}

#[test]
fn a_new_open_item_is_inserted_and_a_done_one_is_not() {
    let steps = plan(&[wanted("a", 0, false), wanted("b", 1, true)], &[], None);
    assert_eq!(steps, vec![Step::Insert { marker: "a".into() }]);
}

#[test]
fn a_task_found_by_its_marker_is_adopted_not_inserted_again() {
    let w = wanted("a", 0, false);
    let steps = plan(&[w], &[], Some(&[seen("t1", "a", false, false)]));
    assert_eq!(
        steps,
        vec![Step::Adopt {
            marker: "a".into(),
            task_id: "t1".into(),
            state: TaskState::Open
        }]
    );
}

#[test]
fn an_insert_of_unknown_outcome_waits_for_a_read_then_adopts_or_repeats() {
    let w = wanted("a", 0, false);
    let inserting = Known {
        task_id: None,
        state: TaskState::Inserting,
        ..known(&w, "x", TaskState::Open)
    };
    assert!(plan(&[w.clone()], &[inserting.clone()], None).is_empty());
    assert_eq!(
        plan(&[w.clone()], &[inserting.clone()], Some(&[])),
        vec![Step::Insert { marker: "a".into() }]
    );
    let found = plan(&[w], &[inserting], Some(&[seen("t1", "a", false, false)]));
    assert!(matches!(&found[..], [Step::Adopt { task_id, .. }] if task_id == "t1"));
}

#[test]
fn completing_the_task_closes_the_item_and_doc_done_completes_the_task() {
    let w = wanted("a", 0, false);
    let k = known(&w, "t1", TaskState::Open);
    assert_eq!(
        plan(
            &[w.clone()],
            &[k.clone()],
            Some(&[seen("t1", "a", true, false)])
        ),
        vec![Step::Completed {
            marker: "a".into(),
            close_item: true
        }]
    );
    let done = Wanted { done: true, ..w };
    assert_eq!(
        plan(&[done], &[k], None),
        vec![Step::Complete {
            marker: "a".into(),
            task_id: "t1".into()
        }]
    );
}

#[test]
fn a_deleted_task_is_recorded_and_never_recreated() {
    let w = wanted("a", 0, false);
    let k = known(&w, "t1", TaskState::Open);
    assert_eq!(
        plan(
            &[w.clone()],
            &[k.clone()],
            Some(&[seen("t1", "a", false, true)])
        ),
        vec![Step::Deleted { marker: "a".into() }]
    );
    let gone = Known {
        state: TaskState::Deleted,
        ..k
    };
    assert!(plan(&[w.clone()], &[gone.clone()], None).is_empty());
    assert!(plan(&[w], &[gone], Some(&[])).is_empty());
}

#[test]
fn edits_of_text_and_due_patch_the_task() {
    let w = wanted("a", 0, false);
    let k = known(&w, "t1", TaskState::Open);
    let edited = Wanted {
        due: NaiveDate::from_ymd_opt(2026, 11, 27),
        ..w.clone()
    };
    assert_eq!(
        plan(&[edited], &[k.clone()], None),
        vec![Step::Patch {
            marker: "a".into(),
            task_id: "t1".into(),
            title: false,
            due: true,
            notes: false
        }]
    );
    // New text is a new key at the same slot: the task moves to it.
    let renamed = Wanted {
        marker: "b".into(),
        title: "another text".into(),
        ..w
    };
    assert_eq!(
        plan(&[renamed], &[k], None),
        vec![
            Step::Rebind {
                from: "a".into(),
                to: "b".into()
            },
            Step::Patch {
                marker: "b".into(),
                task_id: "t1".into(),
                title: true,
                due: false,
                notes: true
            }
        ]
    );
}

#[test]
fn a_reopened_task_reopens_an_item_it_had_closed_only() {
    let w = Wanted {
        done: true,
        done_by_task: true,
        ..wanted("a", 0, true)
    };
    let k = known(&w, "t1", TaskState::Completed);
    assert_eq!(
        plan(
            &[w.clone()],
            &[k.clone()],
            Some(&[seen("t1", "a", false, false)])
        ),
        vec![Step::Reopened {
            marker: "a".into(),
            reopen_item: true
        }]
    );
    let doc_done = Wanted {
        done_by_task: false,
        ..w
    };
    assert!(plan(&[doc_done], &[k], Some(&[seen("t1", "a", false, false)])).is_empty());
}

#[test]
fn markers_are_read_back_from_notes() {
    let m = marker("series", "occ", "bob|send the draft");
    assert_eq!(m.len(), 16);
    let notes = format!("From the 1:1 on Tue 24 Nov\nhttps://doc\n{MARKER_PREFIX}{m}");
    assert_eq!(marker_in(&notes), Some(m.as_str()));
    assert_eq!(marker_in("no marker here"), None);
    assert_eq!(marker_in(MARKER_PREFIX), None);
    assert_ne!(m, marker("series", "occ", "bob|send the deck"));
}

/// A tiny Google + store: applies steps the way the reconciler does, so the properties below
/// can run plan → apply → plan.
#[derive(Debug, Default, Clone)]
struct World {
    /// Google's tasks: id → (marker, completed, deleted).
    google: BTreeMap<String, (String, bool, bool)>,
    known: BTreeMap<String, Known>,
    inserts: usize,
}

impl World {
    fn seen(&self) -> Vec<Seen> {
        self.google
            .iter()
            .map(|(id, (m, c, d))| seen(id, m, *c, *d))
            .collect()
    }

    fn apply(&mut self, wanted: &mut [Wanted], steps: &[Step], lose_answers: bool) {
        for step in steps {
            match step {
                Step::Insert { marker } => {
                    let w = wanted.iter().find(|w| &w.marker == marker).unwrap();
                    let id = format!("t{}", self.google.len());
                    self.google
                        .insert(id.clone(), (marker.clone(), false, false));
                    self.inserts += 1;
                    self.known.insert(
                        marker.clone(),
                        Known {
                            task_id: (!lose_answers).then_some(id),
                            state: if lose_answers {
                                TaskState::Inserting
                            } else {
                                TaskState::Open
                            },
                            ..known(w, "", TaskState::Open)
                        },
                    );
                }
                Step::Adopt {
                    marker,
                    task_id,
                    state,
                } => {
                    let w = wanted.iter().find(|w| &w.marker == marker).unwrap();
                    self.known.insert(marker.clone(), known(w, task_id, *state));
                }
                Step::Complete { marker, task_id } => {
                    if let Some(t) = self.google.get_mut(task_id) {
                        t.1 = true;
                    }
                    self.known.get_mut(marker).unwrap().state = TaskState::Completed;
                }
                Step::Completed { marker, close_item } => {
                    self.known.get_mut(marker).unwrap().state = TaskState::Completed;
                    if *close_item {
                        let w = wanted.iter_mut().find(|w| &w.marker == marker).unwrap();
                        w.done = true;
                        w.done_by_task = true;
                    }
                }
                Step::Reopened { marker, .. } => {
                    self.known.get_mut(marker).unwrap().state = TaskState::Open;
                }
                Step::Deleted { marker } => {
                    self.known.get_mut(marker).unwrap().state = TaskState::Deleted;
                }
                Step::Rebind { from, to } => {
                    let mut k = self.known.remove(from).unwrap();
                    k.marker = to.clone();
                    self.known.insert(to.clone(), k);
                }
                Step::Patch { marker, .. } => {
                    let w = wanted.iter().find(|w| &w.marker == marker).unwrap();
                    let k = self.known.get_mut(marker).unwrap();
                    k.title = w.title.clone();
                    k.due = w.due;
                }
            }
        }
    }

    fn known(&self) -> Vec<Known> {
        self.known.values().cloned().collect()
    }
}

proptest! {
    /// Whatever happens between passes — answers lost, the store wiped, tasks completed or
    /// deleted by their owners — there is never more than one task per item, and once the
    /// passes have settled, re-planning changes nothing.
    #[test]
    fn one_task_per_item_and_plans_settle(
        n in 1usize..6,
        done in proptest::collection::vec(any::<bool>(), 6),
        lose_answers in any::<bool>(),
        wipe_store in any::<bool>(),
        owner_acts in proptest::collection::vec(0u8..3, 6),
    ) {
        let mut wanted: Vec<Wanted> = (0..n)
            .map(|i| wanted(&format!("m{i}"), i as u32, done[i]))
            .collect();
        let mut world = World::default();
        let steps = plan(&wanted, &world.known(), Some(&world.seen()));
        world.apply(&mut wanted, &steps, lose_answers);
        if wipe_store {
            world.known.clear();
        }
        // The owner completes or deletes some tasks.
        for (i, (_, t)) in world.google.iter_mut().enumerate() {
            match owner_acts[i % owner_acts.len()] {
                1 => t.1 = true,
                2 => t.2 = true,
                _ => {}
            }
        }
        for _ in 0..4 {
            let steps = plan(&wanted, &world.known(), Some(&world.seen()));
            world.apply(&mut wanted, &steps, false);
        }
        let mut per_marker: BTreeMap<&str, usize> = BTreeMap::new();
        for (m, _, _) in world.google.values() {
            *per_marker.entry(m.as_str()).or_default() += 1;
        }
        prop_assert!(per_marker.values().all(|&c| c == 1), "{per_marker:?}");
        prop_assert!(world.inserts <= n);
        let settled = plan(&wanted, &world.known(), Some(&world.seen()));
        prop_assert!(settled.is_empty(), "{settled:?}");
        // Done in either place is done in both (unless the owner deleted the task).
        // (An item done before it had a task never gets one.)
        for w in &wanted {
            let Some(k) = world.known.get(&w.marker) else {
                prop_assert!(w.done);
                continue;
            };
            if k.state != TaskState::Deleted {
                let task_done = world.google[k.task_id.as_deref().unwrap()].1;
                prop_assert_eq!(w.done, task_done, "{:?}", w);
            }
        }
    }
}

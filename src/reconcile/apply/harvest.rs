//! Reading the action items after a meeting into the ledger (and closing carried items that
//! were ticked off).

use super::Apply;
use crate::domain::actions::{self, MeetingContext, Person};
use crate::domain::occurrences::{local_date, Occurrence};
use crate::domain::sections::find_section;
use crate::reconcile::error::{fail, PlanError, SeriesError};
use crate::reconcile::ledger::{find_items, ledger_owner};
use crate::store::LedgerItem;

impl Apply<'_> {
    /// Reads the occurrence's section (from the pass's shared read) and records its items.
    pub(super) async fn harvest(&mut self, occ: &Occurrence) -> Result<(), SeriesError> {
        let (r, view, now) = (self.r, self.view, self.now);
        let key = &view.key;
        let ctx = self.meeting_context(occ);
        let Some(reads) = self.reads.as_mut() else {
            return Ok(());
        };
        let (doc_id, doc_url) = (reads.doc.id.clone(), reads.doc.url.clone());
        let doc = reads
            .read()
            .await
            .map_err(|e| fail(key, "read the doc", e))?;
        let revision = doc.revision_id.clone().unwrap_or_default();
        let (user, series) = (view.user.as_str(), key.as_str());
        let Some(span) = find_section(doc, occ.key.as_str(), ctx.meeting_date) else {
            // Not found is not "emptied": items leave the ledger only when people removed
            // them from a section read whole. Record the look (so the doc is not re-read
            // every pass; an edit that restores the heading triggers the next one) and say so.
            r.store(|s| s.record_harvest(user, series, occ.key.as_str(), now, &revision))
                .map_err(|e| fail(key, "record the harvest", e))?;
            let missing = PlanError::SectionMissing {
                date: ctx.meeting_date.format("%a %-d %b %Y").to_string(),
                doc: doc_url,
            };
            return Err(fail(key, "harvest", missing));
        };
        let paragraphs = doc.paragraphs.get(span.paragraphs.clone()).unwrap_or(&[]);
        let harvest = actions::harvest(paragraphs, &ctx);
        self.out.report.harvests += 1;
        let items: Vec<LedgerItem> = harvest
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| LedgerItem {
                item_key: item.key.clone(),
                position: u32::try_from(i).unwrap_or(u32::MAX),
                owner: ledger_owner(&item.owner),
                task: item.task.clone(),
                due: item.due,
                done: item.done,
                source_doc_url: doc_url.clone(),
                heading_id: item.heading_id.clone(),
            })
            .collect();
        let closed = r
            .store(|s| {
                let items = not_from_an_earlier_meeting(s, user, series, &doc_id, occ, items)?;
                self.out.report.items_harvested += items.len();
                s.replace_occurrence_items(user, series, occ.key.as_str(), &items, now)?;
                let mut closed = 0;
                for update in harvest.carried.iter().filter(|u| u.done) {
                    for original in find_items(s, user, series, &doc_id, &update.key)? {
                        if !original.item.done && s.set_item_done(&original.key, true, now)? {
                            closed += 1;
                        }
                    }
                }
                s.record_harvest(user, series, occ.key.as_str(), now, &revision)?;
                Ok(closed)
            })
            .map_err(|e| fail(key, "record the harvest", e))?;
        self.out.report.items_closed += closed;
        Ok(())
    }

    fn meeting_context(&self, occ: &Occurrence) -> MeetingContext {
        let view = self.view;
        MeetingContext {
            meeting_date: local_date(occ),
            organizer: Person {
                email: view.user.clone(),
                name: Some(view.organizer_name.clone()),
            },
            other: Person {
                email: view.other_email.clone(),
                name: Some(view.other_name.clone()),
            },
            aliases: self
                .r
                .config
                .actions
                .aliases
                .iter()
                .map(|(alias, email)| (alias.clone(), email.clone()))
                .collect(),
        }
    }
}

/// Drops the items that are already in the ledger as another meeting's, under the very same
/// heading of the doc. That happens when a person deletes an older section's dated heading: its
/// text then reads as part of the section above it, and the same lines would be recorded a
/// second time as the newer meeting's. The same task typed again in another meeting sits under
/// that meeting's own heading, so it is still recorded.
fn not_from_an_earlier_meeting(
    s: &crate::store::Store,
    user: &str,
    series: &str,
    doc_id: &str,
    occ: &Occurrence,
    items: Vec<LedgerItem>,
) -> Result<Vec<LedgerItem>, crate::store::StoreError> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        let Some(heading) = item.heading_id.as_deref() else {
            kept.push(item);
            continue;
        };
        let elsewhere = find_items(s, user, series, doc_id, &item.item_key)?
            .into_iter()
            .any(|e| {
                e.key.occurrence_key != occ.key.as_str()
                    && e.item.heading_id.as_deref() == Some(heading)
            });
        if !elsewhere {
            kept.push(item);
        }
    }
    Ok(kept)
}

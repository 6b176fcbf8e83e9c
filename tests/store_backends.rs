//! The store's key-value layer behaves the same on both backends: every
//! test here runs on an embedded sled store and on a private PostgreSQL 15
//! (sled parity), and the typed store on top works on PostgreSQL.

mod common;

use std::sync::Arc;

use carousel::store::Store;
use carousel::store::kv::{ConflictableTransactionError, TransactionError, Transactional, Tree};

/// This binary's PostgreSQL port (each test binary has its own).
const PG_PORT: u16 = 25432;

/// A fresh store on each backend, with a name for assertion messages.
fn stores() -> Vec<(&'static str, Store, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sled = Store::open(&dir.path().join("store"), 8).unwrap();
    let url = common::postgres::fresh_database(PG_PORT);
    let pg = Store::open_postgres(&url).unwrap();
    vec![("sled", sled, Some(dir)), ("postgres", pg, None)]
}

fn keys(
    iter: impl Iterator<
        Item = Result<
            (carousel::store::kv::Bytes, carousel::store::kv::Bytes),
            carousel::store::StoreError,
        >,
    >,
) -> Vec<Vec<u8>> {
    iter.map(|r| r.unwrap().0.to_vec()).collect()
}

#[test]
fn single_key_operations_return_what_they_replaced() {
    for (name, store, _dir) in stores() {
        let t = store.tree("conformance").unwrap();
        assert_eq!(t.get(b"a").unwrap(), None, "{name}");
        assert_eq!(t.insert(b"a", &b"1"[..]).unwrap(), None, "{name}");
        assert_eq!(
            t.insert(b"a", &b"2"[..]).unwrap().as_deref(),
            Some(&b"1"[..]),
            "{name}"
        );
        assert_eq!(t.get(b"a").unwrap().as_deref(), Some(&b"2"[..]), "{name}");
        assert!(t.contains_key(b"a").unwrap(), "{name}");
        assert_eq!(
            t.remove(b"a").unwrap().as_deref(),
            Some(&b"2"[..]),
            "{name}"
        );
        assert_eq!(t.remove(b"a").unwrap(), None, "{name}");
        assert!(!t.contains_key(b"a").unwrap(), "{name}");
        // Empty values and binary keys are values like any other.
        t.insert([0u8, 255, 0], Vec::new()).unwrap();
        assert_eq!(
            t.get([0u8, 255, 0]).unwrap().as_deref(),
            Some(&[][..]),
            "{name}"
        );
        assert!(
            store
                .db()
                .tree_names()
                .unwrap()
                .iter()
                .any(|n| &n[..] == b"conformance"),
            "{name}"
        );
    }
}

#[test]
fn iteration_is_in_byte_order_from_both_ends_across_pages() {
    for (name, store, _dir) in stores() {
        let t = store.tree("order").unwrap();
        // More keys than one PostgreSQL page, with bytes sled and SQL could order differently.
        let mut expected: Vec<Vec<u8>> = (0u32..700)
            .map(|n| (n * 7919 % 70_000).to_be_bytes().to_vec())
            .collect();
        expected.push(vec![0xff]);
        expected.push(vec![0x00]);
        expected.push(vec![0x7f, 0xff, 0x00]);
        for k in &expected {
            t.insert(k, k.clone()).unwrap();
        }
        expected.sort();
        expected.dedup();
        assert_eq!(keys(t.iter()), expected, "{name} forwards");
        let mut backwards = keys(t.iter().rev());
        backwards.reverse();
        assert_eq!(backwards, expected, "{name} backwards");
        // Both ends of one scan meet without repeating or losing a key.
        let mut iter = t.iter();
        let mut front = Vec::new();
        let mut back = Vec::new();
        loop {
            match iter.next() {
                Some(r) => front.push(r.unwrap().0.to_vec()),
                None => break,
            }
            match iter.next_back() {
                Some(r) => back.push(r.unwrap().0.to_vec()),
                None => break,
            }
        }
        back.reverse();
        front.extend(back);
        assert_eq!(front, expected, "{name} from both ends");
        assert_eq!(t.len(), expected.len(), "{name}");
        assert_eq!(
            t.first().unwrap().unwrap().0.to_vec(),
            expected[0],
            "{name}"
        );
        assert_eq!(
            t.last().unwrap().unwrap().0.to_vec(),
            *expected.last().unwrap(),
            "{name}"
        );
        assert_eq!(
            t.iter().values().next().unwrap().unwrap().to_vec(),
            expected[0],
            "{name}"
        );
        t.clear().unwrap();
        assert!(t.is_empty(), "{name}");
        assert_eq!(t.first().unwrap(), None, "{name}");
    }
}

#[test]
fn ranges_and_prefixes_select_the_same_keys() {
    for (name, store, _dir) in stores() {
        let t = store.tree("ranges").unwrap();
        for k in [
            &b"a"[..],
            b"a\x00",
            b"a\xff",
            b"a\xff\xff",
            b"ab",
            b"b",
            b"\xff",
            b"\xff\xff",
        ] {
            t.insert(k, &b"v"[..]).unwrap();
        }
        let of = |iter| keys(iter);
        assert_eq!(
            of(t.scan_prefix(b"a")),
            [&b"a"[..], b"a\x00", b"ab", b"a\xff", b"a\xff\xff"].map(|k| k.to_vec()),
            "{name}"
        );
        assert_eq!(
            of(t.scan_prefix(b"a\xff")),
            [&b"a\xff"[..], b"a\xff\xff"].map(|k| k.to_vec()),
            "{name}"
        );
        assert_eq!(
            of(t.scan_prefix(b"\xff")),
            [&b"\xff"[..], b"\xff\xff"].map(|k| k.to_vec()),
            "{name}"
        );
        assert_eq!(
            of(t.range(&b"a\x00"[..]..&b"ab"[..])),
            [b"a\x00".to_vec()],
            "{name}"
        );
        assert_eq!(
            of(t.range(&b"a\xff"[..]..=&b"b"[..])),
            [&b"a\xff"[..], b"a\xff\xff", b"b"].map(|k| k.to_vec()),
            "{name}"
        );
        assert_eq!(of(t.range(..&b"a\x00"[..])), [b"a".to_vec()], "{name}");
        assert_eq!(of(t.range(&b"b"[..]..)).len(), 3, "{name}");
        assert_eq!(
            keys(t.scan_prefix(b"a").rev()).first().map(Vec::as_slice),
            Some(&b"a\xff\xff"[..]),
            "{name}"
        );
    }
}

#[test]
fn compare_and_swap_and_update_and_fetch_change_only_what_they_expect() {
    for (name, store, _dir) in stores() {
        let t = store.tree("cas").unwrap();
        assert_eq!(
            t.compare_and_swap(b"k", None as Option<&[u8]>, Some(&b"1"[..]))
                .unwrap(),
            Ok(()),
            "{name}"
        );
        let lost = t
            .compare_and_swap(b"k", None as Option<&[u8]>, Some(&b"2"[..]))
            .unwrap();
        assert_eq!(
            lost.unwrap_err().current.as_deref(),
            Some(&b"1"[..]),
            "{name}"
        );
        assert_eq!(
            t.compare_and_swap(b"k", Some(&b"1"[..]), None as Option<&[u8]>)
                .unwrap(),
            Ok(()),
            "{name}"
        );
        assert_eq!(t.get(b"k").unwrap(), None, "{name}");
        for _ in 0..3 {
            t.update_and_fetch(b"n", |old| {
                let n = old.map_or(0, |v| v[0]);
                Some(vec![n + 1])
            })
            .unwrap();
        }
        assert_eq!(t.get(b"n").unwrap().as_deref(), Some(&[3u8][..]), "{name}");
    }
}

#[test]
fn a_transaction_over_several_trees_commits_all_or_nothing() {
    for (name, store, _dir) in stores() {
        let a = store.tree("tx_a").unwrap();
        let b = store.tree("tx_b").unwrap();
        let done = (&a, &b).transaction(|(a, b)| {
            a.insert(&b"x"[..], &b"1"[..])?;
            // Reads see the transaction's own writes.
            assert_eq!(a.get(b"x")?.as_deref(), Some(&b"1"[..]));
            b.insert(&b"y"[..], &b"2"[..])?;
            let id1 = a.generate_id()?;
            let id2 = a.generate_id()?;
            assert!(id2 > id1);
            Ok::<_, ConflictableTransactionError<String>>(7)
        });
        assert_eq!(done.unwrap(), 7, "{name}");
        assert!(
            a.contains_key(b"x").unwrap() && b.contains_key(b"y").unwrap(),
            "{name}"
        );
        let aborted = (&a, &b).transaction(|(a, b)| {
            a.insert(&b"gone"[..], &b"1"[..])?;
            b.remove(&b"y"[..])?;
            Err::<(), _>(ConflictableTransactionError::Abort(
                "changed my mind".to_string(),
            ))
        });
        assert!(
            matches!(aborted, Err(TransactionError::Abort(ref why)) if why == "changed my mind"),
            "{name}"
        );
        assert!(
            !a.contains_key(b"gone").unwrap(),
            "{name}: aborted write kept"
        );
        assert!(b.contains_key(b"y").unwrap(), "{name}: aborted remove kept");
    }
}

#[test]
fn concurrent_transactions_lose_no_update() {
    for (name, store, _dir) in stores() {
        let counter: Arc<Tree> = Arc::new(store.tree("counter").unwrap());
        let log = Arc::new(store.tree("log").unwrap());
        let workers: Vec<_> = (0..6)
            .map(|w| {
                let (counter, log) = (counter.clone(), log.clone());
                std::thread::spawn(move || {
                    for i in 0..25u32 {
                        (&*counter, &*log)
                            .transaction(|(c, l)| {
                                let n = c
                                    .get(b"n")?
                                    .map_or(0, |v| u32::from_be_bytes(v[..4].try_into().unwrap()));
                                c.insert(&b"n"[..], &(n + 1).to_be_bytes())?;
                                l.insert(
                                    (n + 1).to_be_bytes().to_vec(),
                                    format!("{w}:{i}").into_bytes(),
                                )?;
                                Ok::<_, ConflictableTransactionError<()>>(())
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        let n = counter.get(b"n").unwrap().unwrap();
        assert_eq!(
            u32::from_be_bytes(n[..4].try_into().unwrap()),
            150,
            "{name}"
        );
        // Every increment saw a distinct value: no two transactions read the same n.
        assert_eq!(log.len(), 150, "{name}");
    }
}

#[test]
fn the_typed_store_counts_and_reopens_on_postgres() {
    let url = common::postgres::fresh_database(PG_PORT);
    let store = Store::open_postgres(&url).unwrap();
    store.add_to_counter("things", 2).unwrap();
    store.add_to_counter("things", 3).unwrap();
    drop(store);
    // A second instance (or a restart) sees the same database, migrated once.
    let again = Store::open_postgres(&url).unwrap();
    let other = Store::open_postgres(&url).unwrap();
    assert_eq!(again.counter("things").unwrap(), 5);
    assert_eq!(other.counter("things").unwrap(), 5);
    let versions = common::postgres::psql(
        PG_PORT,
        url.rsplit('/').next().unwrap(),
        "SELECT count(*) = max(version) FROM carousel_migrations",
    );
    // Each version applied once, although three handles opened the database.
    assert_eq!(versions, "t");
}

fn mailboxes(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("m{i}")).collect()
}

fn held(round: &carousel::store::leases::Round) -> Vec<String> {
    round.held().map(str::to_string).collect()
}

#[test]
fn leases_spread_evenly_rebalance_on_join_and_move_when_an_instance_dies() {
    use carousel::store::leases::TTL_MS;
    for (name, store, _dir) in stores() {
        let boxes = mailboxes(4);
        // Alone, A reads every mailbox.
        let a = store.lease_round("a", &boxes, 0).unwrap();
        assert_eq!(held(&a), boxes, "{name}");
        assert_eq!((a.taken, a.live), (4, 1), "{name}");
        // B joins: it waits for A to let go of its share, then takes it.
        let b = store.lease_round("b", &boxes, 100).unwrap();
        assert!(held(&b).is_empty(), "{name}: B took a lease A still held");
        let a = store.lease_round("a", &boxes, 200).unwrap();
        assert_eq!((a.released, held(&a).len()), (2, 2), "{name}");
        let b = store.lease_round("b", &boxes, 300).unwrap();
        assert_eq!(held(&b).len(), 2, "{name}");
        let mut all = [held(&a), held(&b)].concat();
        all.sort();
        assert_eq!(all, boxes, "{name}: every mailbox held exactly once");
        let epoch_before: Vec<u64> = a.states.iter().map(|s| s.epoch).collect();
        // A dies (no more heartbeats). Within TTL its mailboxes stay with it...
        let b = store.lease_round("b", &boxes, 200 + TTL_MS - 1).unwrap();
        assert_eq!(held(&b).len(), 2, "{name}");
        // ...and the first heartbeat after they expire moves them to B, epoch up.
        let b = store.lease_round("b", &boxes, 200 + TTL_MS + 1).unwrap();
        assert_eq!(held(&b), boxes, "{name}: B did not take over");
        for (state, before) in b.states.iter().zip(&epoch_before) {
            if a.held().any(|m| m == state.mailbox) {
                assert_eq!(state.epoch, before + 1, "{name}: {}", state.mailbox);
            }
        }
        // A graceful stop hands over at once, without waiting for expiry.
        let now = 200 + TTL_MS + 100;
        store.lease_round("c", &boxes, now).unwrap();
        store.release_leases("b").unwrap();
        let c = store.lease_round("c", &boxes, now + 1).unwrap();
        assert_eq!(
            held(&c),
            boxes,
            "{name}: C did not take over after B released"
        );
    }
}

#[test]
fn a_paused_instance_cannot_commit_after_its_mailbox_moved_on() {
    use carousel::store::leases::TTL_MS;
    use carousel::store::model::Origin;
    use carousel::store::received::{Admitted, Incoming};
    let url = common::postgres::fresh_database(PG_PORT);
    let a = Store::open_postgres(&url).unwrap();
    let b = Store::open_postgres(&url).unwrap();
    let boxes = mailboxes(1);
    let incoming = |n: usize| {
        vec![Incoming {
            origin: Origin {
                mailbox: "m1".into(),
                reference: format!("1:{n}"),
            },
            raw: common::lead_email(n, "leads@acme.example"),
            complete: true,
            size: 100,
        }]
    };
    let now = jiff::Timestamp::now().as_millisecond();
    assert_eq!(held(&a.lease_round("a", &boxes, now).unwrap()), boxes);
    assert_eq!(a.receive(&incoming(1)).unwrap(), [Admitted::Queued]);
    // A pauses past its expiry; B takes the mailbox over.
    b.lease_round("b", &boxes, now + 10).unwrap();
    let b_round = b.lease_round("b", &boxes, now + TTL_MS + 10).unwrap();
    assert_eq!(held(&b_round), boxes);
    // A wakes up with a batch in hand: refused, nothing written.
    let refused = a.receive(&incoming(2)).unwrap_err();
    assert!(
        matches!(refused, carousel::store::StoreError::LeaseLost(ref m) if m == "m1"),
        "{refused}"
    );
    assert_eq!(b.queued_len(), 1);
    assert_eq!(b.receive(&incoming(2)).unwrap(), [Admitted::Queued]);
    assert_eq!(b.queued_len(), 2);
}

fn outbound(n: usize) -> carousel::outbox::OutboundEmail {
    carousel::outbox::OutboundEmail {
        message_id: format!("n.fence{n}@carousel.acme.example"),
        to: vec![format!("rep{n}@acme.example")],
        from: None,
        reply_to: None,
        subject: "New lead".into(),
        text: "A lead".into(),
        html: None,
        headers: vec![],
        in_reply_to: None,
        purpose: carousel::outbox::Purpose::TeamNote {
            lead: format!("lead{n}"),
        },
    }
}

fn lost_stage(e: &carousel::store::StoreError) -> Option<&str> {
    match e {
        carousel::store::StoreError::LeaseLost(stage) => Some(stage.as_str()),
        _ => None,
    }
}

/// Instance A holds every stage, pauses past its leases' expiry while B
/// takes them over, then wakes up mid-pass: each leased stage's commit from
/// A is refused and changes nothing (no `Sending` mark, so no second send),
/// and B commits them. The per-item work (the understanding batch, the act
/// mark) is claimed instead: B writes it, and A's late write of the same
/// entries claims nothing and writes nothing.
#[test]
fn a_paused_instance_cannot_commit_its_stages_after_they_moved_on() {
    use carousel::outbox::{self, Delivery};
    use carousel::store::leases::{self, TTL_MS};
    use carousel::store::model::Origin;
    use carousel::store::received::Incoming;
    for (backend, a, _dir) in stores() {
        let b = a.as_another_instance().unwrap();
        let mut names: Vec<String> = leases::STAGES.iter().map(|s| s.to_string()).collect();
        names.push("m1".into());
        let now = jiff::Timestamp::now().as_millisecond();
        let a_round = a.lease_round("a", &names, now).unwrap();
        assert_eq!(held(&a_round).len(), names.len(), "{backend}");
        // Work in A's hands: a received lead, an email due, a pending response.
        a.receive(&[Incoming {
            origin: Origin {
                mailbox: "m1".into(),
                reference: "1:1".into(),
            },
            raw: common::lead_email(1, "leads@acme.example"),
            complete: true,
            size: 100,
        }])
        .unwrap();
        assert!(outbox::enqueue(&a, outbound(1)).unwrap(), "{backend}");
        let queued = a.queued(10).unwrap();
        let raw = common::lead_email(1, "leads@acme.example");
        let understanding =
            carousel::understand::understand(&raw, &carousel::understand::Context::default());
        let batch = [(&queued[0], raw.as_slice(), &understanding)];
        // A pauses; B beats, then takes every lease once A's have expired.
        b.lease_round("b", &names, now + 10).unwrap();
        let b_round = b.lease_round("b", &names, now + TTL_MS + 10).unwrap();
        assert_eq!(held(&b_round).len(), names.len(), "{backend}");

        // A wakes up past its heartbeat TTL: the outbox's `Sending` mark
        // (fenced by A's own liveness, the outbox being claimed per email)
        // is refused...
        let stale =
            carousel::store::encode(&(jiff::Timestamp::now().as_millisecond() - 2 * TTL_MS));
        a.tree(leases::INSTANCES)
            .unwrap()
            .insert("a", stale)
            .unwrap();
        let email = outbox::record(&a, "n.fence1@carousel.acme.example")
            .unwrap()
            .unwrap();
        let sending = |owner: &str| Delivery::Sending {
            since: "2026-12-02T10:00:00Z".into(),
            attempts: 1,
            owner: Some(owner.into()),
        };
        let refused = outbox::claim_deliveries(&a, &[(&email, sending("a"))]).unwrap_err();
        assert_eq!(
            lost_stage(&refused),
            Some(leases::OUTBOX),
            "{backend}: {refused}"
        );
        let stored = outbox::record(&b, &email.email.message_id)
            .unwrap()
            .unwrap();
        assert!(
            matches!(stored.delivery, Delivery::Queued { .. }),
            "{backend}: {:?}",
            stored.delivery
        );
        // ...and a hand-off POST would not start.
        let refused = a.check_stage(leases::HANDOFF).unwrap_err();
        assert_eq!(lost_stage(&refused), Some(leases::HANDOFF), "{backend}");

        // The understanding batch is claimed per entry: B writes it...
        let written = b.record_understood_batch(&batch).unwrap();
        assert!(
            matches!(written[..], [Some(carousel::store::Ingested::New { .. })]),
            "{backend}: {written:?}"
        );
        assert_eq!(b.queued_len(), 0, "{backend}");
        // ...and A, waking up with the same batch in hand, claims nothing.
        let late = a.record_understood_batch(&batch).unwrap();
        assert!(matches!(late[..], [None]), "{backend}: {late:?}");
        assert_eq!(b.counter("messages").unwrap(), 1, "{backend}");
        assert_eq!(b.counter("responses").unwrap(), 1, "{backend}");
        let pending = b.pending_responses().unwrap();
        assert_eq!(pending.len(), 1, "{backend}: the lead waits for act");
        b.clear_pending(pending[0]).unwrap();
        assert!(b.pending_responses().unwrap().is_empty(), "{backend}");
        // A late clear of a mark already cleared changes nothing.
        a.clear_pending(pending[0]).unwrap();
        let claimed = outbox::claim_deliveries(&b, &[(&email, sending("b"))]).unwrap();
        assert_eq!(claimed, [true], "{backend}");
        let stored = outbox::record(&a, &email.email.message_id)
            .unwrap()
            .unwrap();
        assert_eq!(stored.delivery, sending("b"), "{backend}");
        b.check_stage(leases::HANDOFF).unwrap();
    }
}

/// Two live instances read the same queued emails: each `Sending` mark is
/// written by whichever commits first, with its owner; the other's claim of
/// the same email (read before that commit) writes nothing, so the email
/// is handed to SMTP once. The later outcome (`Sent`) is written by the
/// owner, from the state it marked.
#[test]
fn two_instances_claiming_one_email_mark_it_sending_once() {
    use carousel::outbox::{self, Delivery};
    use carousel::store::leases;
    for (backend, a, _dir) in stores() {
        let b = a.as_another_instance().unwrap();
        let names: Vec<String> = leases::STAGES.iter().map(|s| s.to_string()).collect();
        let now = jiff::Timestamp::now().as_millisecond();
        a.lease_round("a", &names, now).unwrap();
        b.lease_round("b", &names, now).unwrap();
        assert_eq!(a.live_instances(now).unwrap().len(), 2, "{backend}");
        for n in [11, 12] {
            assert!(outbox::enqueue(&a, outbound(n)).unwrap(), "{backend}");
        }
        let read = |n: usize| {
            outbox::record(&a, &format!("n.fence{n}@carousel.acme.example"))
                .unwrap()
                .unwrap()
        };
        let (first, second) = (read(11), read(12));
        let sending = |owner: &str| Delivery::Sending {
            since: "2026-12-02T10:00:00Z".into(),
            attempts: 1,
            owner: Some(owner.into()),
        };
        // A takes the first; B, having read both as queued, gets the second only.
        let by_a = outbox::claim_deliveries(&a, &[(&first, sending("a"))]).unwrap();
        assert_eq!(by_a, [true], "{backend}");
        let by_b = outbox::claim_deliveries(&b, &[(&first, sending("b")), (&second, sending("b"))])
            .unwrap();
        assert_eq!(by_b, [false, true], "{backend}");
        assert_eq!(read(11).delivery, sending("a"), "{backend}");
        assert_eq!(read(12).delivery, sending("b"), "{backend}");
        // B's outcome for an email it never marked is not written either.
        let sent = Delivery::Sent {
            at: carousel::store::now_rfc3339(),
            reply: "250 ok".into(),
        };
        assert_eq!(
            outbox::set_deliveries(&b, &[(&first, sent.clone())]).unwrap(),
            [false],
            "{backend}"
        );
        // A records its send from the state it marked: final, off the index.
        let marked = read(11);
        assert_eq!(
            outbox::set_deliveries(&a, &[(&marked, sent.clone())]).unwrap(),
            [true],
            "{backend}"
        );
        assert_eq!(read(11).delivery, sent, "{backend}");
        let pending = a.tree(outbox::PENDING).unwrap();
        assert!(
            pending
                .get("n.fence11@carousel.acme.example")
                .unwrap()
                .is_none(),
            "{backend}"
        );
        let claims = a.tree(leases::CLAIMS).unwrap();
        for who in ["a", "b"] {
            let row = claims
                .get(format!("outbox\0{who}"))
                .unwrap()
                .map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap()));
            assert_eq!(row, Some(1), "{backend}: {who}");
        }
    }
}

/// Without leasing (one instance) the stages' commits are not fenced.
#[test]
fn without_leases_the_stages_commit_unfenced() {
    use carousel::outbox::{self, Delivery};
    for (backend, store, _dir) in stores() {
        assert!(outbox::enqueue(&store, outbound(2)).unwrap());
        let email = outbox::record(&store, "n.fence2@carousel.acme.example")
            .unwrap()
            .unwrap();
        let sent = Delivery::Sent {
            at: carousel::store::now_rfc3339(),
            reply: "250 ok".into(),
        };
        outbox::set_deliveries(&store, &[(&email, sent.clone())]).unwrap();
        let stored = outbox::record(&store, &email.email.message_id)
            .unwrap()
            .unwrap();
        assert_eq!(stored.delivery, sent, "{backend}");
        store.clear_pending(7).unwrap();
        store.check_stage(carousel::store::leases::OUTBOX).unwrap();
    }
}

/// A hand-off endpoint's `delivered` commit: refused for a paused instance
/// once the lease of the endpoint's queue moved on (the delivery stays
/// pending for the new holder), committed by the holder.
#[test]
fn a_paused_instance_cannot_mark_a_hand_off_delivered_after_takeover() {
    use carousel::store::events::{Event, queue};
    use carousel::store::leases::{self, TTL_MS};
    for (backend, a, _dir) in stores() {
        let b = a.as_another_instance().unwrap();
        // The lease of the endpoint's queue.
        let names = vec![leases::handoff_endpoint("crm")];
        let now = jiff::Timestamp::now().as_millisecond();
        a.lease_round("a", &names, now).unwrap();
        let event = Event::new("lead.created", "lead1", serde_json::json!({"id": "lead1"}));
        assert_eq!(queue::record(&a, &[event]).unwrap(), 1, "{backend}");
        queue::fan_out(&a, |_| vec!["crm".to_string()]).unwrap();
        let due = queue::due(&a, "crm", queue::now_ms() + 1, 10).unwrap();
        assert_eq!(due.len(), 1, "{backend}");
        b.lease_round("b", &names, now + 10).unwrap();
        b.lease_round("b", &names, now + TTL_MS + 10).unwrap();
        let refused = queue::delivered(&a, "crm", &due[0].0).unwrap_err();
        assert_eq!(lost_stage(&refused), Some("@handoff/crm"), "{backend}");
        let status = queue::status(&b, "crm").unwrap();
        assert_eq!((status.pending, status.delivered), (1, 0), "{backend}");
        queue::delivered(&b, "crm", &due[0].0).unwrap();
        let status = queue::status(&b, "crm").unwrap();
        assert_eq!((status.pending, status.delivered), (0, 1), "{backend}");
    }
}

/// The per-item claim: a transaction gets the named entries that exist, in
/// key order; on PostgreSQL an entry another open transaction has claimed
/// is skipped (`FOR UPDATE SKIP LOCKED`), not waited for, so two instances
/// working one queue never take the same entry.
#[test]
fn claims_take_existing_entries_and_skip_those_another_transaction_holds() {
    use carousel::store::kv::ConflictableTransactionResult;
    type Claimed = Vec<(carousel::store::kv::Bytes, carousel::store::kv::Bytes)>;
    let claim_keys = |claimed: Claimed| -> Vec<Vec<u8>> {
        claimed.into_iter().map(|(k, _)| k.to_vec()).collect()
    };
    for (backend, store, _dir) in stores() {
        let queue = store.tree("claim_queue").unwrap();
        for k in [1u8, 2, 3] {
            queue.insert([k], vec![k]).unwrap();
        }
        let got = queue
            .transaction(|t| -> ConflictableTransactionResult<Claimed> {
                Ok(t.claim(&[vec![3], vec![9], vec![1]])?)
            })
            .unwrap();
        assert_eq!(claim_keys(got), [vec![1], vec![3]], "{backend}");
        if backend == "sled" {
            // One process: no other claimer to skip.
            continue;
        }
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let holder = queue.clone();
        std::thread::scope(|s| {
            s.spawn(move || {
                holder
                    .transaction(|t| -> ConflictableTransactionResult<()> {
                        let claimed = t.claim(&[vec![1]])?;
                        held_tx.send(claimed.len()).unwrap();
                        go_rx.recv().unwrap();
                        t.remove(vec![1])?;
                        Ok(())
                    })
                    .unwrap();
            });
            assert_eq!(held_rx.recv().unwrap(), 1, "{backend}");
            let other = queue
                .transaction(|t| -> ConflictableTransactionResult<Claimed> {
                    Ok(t.claim(&[vec![1], vec![2]])?)
                })
                .unwrap();
            assert_eq!(claim_keys(other), [vec![2]], "{backend}: entry 1 is held");
            go_tx.send(()).unwrap();
        });
        assert!(queue.get([1]).unwrap().is_none(), "{backend}");
        assert_eq!(queue.len(), 2, "{backend}");
    }
}

/// Wake-ups between instances (PostgreSQL LISTEN/NOTIFY): what one store
/// handle sends on a channel reaches another handle listening on it; sled
/// (one process) has nothing to listen to.
#[test]
fn a_wake_up_sent_by_one_instance_reaches_another() {
    use carousel::store::kv::{WAKE_CHANNELS, WAKE_RECEIVED};
    let dir = tempfile::tempdir().unwrap();
    let sled = Store::open(&dir.path().join("store"), 8).unwrap();
    assert!(sled.db().listen(&WAKE_CHANNELS).is_none());
    let url = common::postgres::fresh_database(PG_PORT);
    let listener = Store::open_postgres(&url).unwrap();
    let sender = Store::open_postgres(&url).unwrap();
    let mut heard = listener.db().listen(&WAKE_CHANNELS).unwrap();
    // Sent until heard: the listening connection may not be up yet.
    let mut got = None;
    for _ in 0..100 {
        sender.db().notify(WAKE_RECEIVED);
        std::thread::sleep(std::time::Duration::from_millis(100));
        if let Ok(channel) = heard.try_recv() {
            got = Some(channel);
            break;
        }
    }
    assert_eq!(got.as_deref(), Some(WAKE_RECEIVED));
}

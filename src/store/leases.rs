//! Mailbox leases: which instance reads which mailbox when several carousel
//! instances share one store (PostgreSQL). Kept in two trees, so both
//! backends run the same code (and the same tests):
//!
//! - `instances`: instance id → when it last beat (Unix ms);
//! - `leases`: mailbox → [`Lease`] (owner, epoch, expiry).
//!
//! Every instance runs [`Store::lease_round`] each [`HEARTBEAT`]: it beats,
//! works out the live instances (beat within [`TTL_MS`]), and gives mailbox
//! *i* (in name order) to live instance *i mod n* (ids in order), so the
//! mailboxes spread evenly and move when an instance joins or leaves. An
//! instance renews the leases it should hold, takes those that are free or
//! expired (the epoch goes up by one), and releases those it should no
//! longer hold. A dead instance's leases expire [`TTL_MS`] after its last
//! beat, so another takes them within TTL + one heartbeat (< 5 s).
//!
//! The epoch fences writes: [`Store::receive`] commits a batch only if the
//! `leases` tree, read inside the same transaction, still names this
//! instance with the epoch it was granted — an instance that was paused
//! past its expiry cannot commit after its mailbox moved on.
//!
//! The stages after ingest hold leases too (`@act`, `@outbox`, …), and
//! their commits are fenced the same way through [`Store::stage_transaction`]:
//! an instance paused in the middle of a stage pass cannot commit that
//! stage's effects (an outbox `sending` mark, a nurture step, …) once the
//! stage's lease has moved on. Without leasing (one instance, sled) the
//! fence is disarmed and costs nothing.
//!
//! Understanding and acting on new leads are not leased: every instance
//! works them, item by item. Each live instance takes the work items whose
//! number falls in its [`Slot`] (item mod live instances), and claims each
//! in the transaction that commits its effects
//! ([`TransactionalTree::claim`](super::kv::TransactionalTree::claim):
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL), so an item is worked once even
//! while two instances disagree for a heartbeat on who is live.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::kv::{
    ConflictableTransactionError, ConflictableTransactionResult, Transactional, TransactionalTree,
    Tree,
};
use super::{Store, StoreError, decode, encode};

pub const LEASES: &str = "leases";
pub const INSTANCES: &str = "instances";
/// The leases of the stages after ingest (they sort before mailbox names).
pub const ACT: &str = "@act";
pub const NURTURE: &str = "@nurture";
pub const OUTBOX: &str = "@outbox";
pub const HANDOFF: &str = "@handoff";
/// The stages held by one instance at a time. The outbox is not among them:
/// every instance sends, claiming each email (see [`Store::live_transaction`]).
pub const STAGES: [&str; 3] = [ACT, HANDOFF, NURTURE];
/// Per-instance counts of claimed work items: `{stage}\0{instance}` → u64.
pub const CLAIMS: &str = "claims";
/// A lease not renewed for this long is free to take.
pub const TTL_MS: i64 = 3_000;
/// How often an instance renews its leases.
pub const HEARTBEAT: Duration = Duration::from_millis(1_000);
/// Instances silent this long are forgotten (tidiness only).
const FORGET_MS: i64 = 60_000;

/// One mailbox's lease as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The instance reading the mailbox; `None` once released.
    pub owner: Option<String>,
    /// Grows by one at every change of owner; fences ingest commits.
    pub epoch: u64,
    /// Unix ms after which another instance may take it.
    pub expires_at_ms: i64,
}

/// One mailbox as this instance sees it after a round (for `/health`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaseState {
    pub mailbox: String,
    /// This instance holds it (and may read and commit).
    pub held: bool,
    pub owner: Option<String>,
    pub epoch: u64,
    pub expires_at_ms: i64,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Round {
    pub states: Vec<LeaseState>,
    /// Live instances, this one included.
    pub live: usize,
    /// Leases taken this round (from nobody, an expired or a leaving owner).
    pub taken: u32,
    /// Leases given up this round so another instance can hold them.
    pub released: u32,
    /// This instance's place among the live ones (ids in order).
    pub slot: usize,
}

impl Round {
    pub fn held(&self) -> impl Iterator<Item = &str> {
        self.states
            .iter()
            .filter(|s| s.held)
            .map(|s| s.mailbox.as_str())
    }
}

/// The epochs this process holds, by mailbox: what [`Store::receive`]
/// checks its commits against. Empty and disabled on a single-process store.
#[derive(Debug, Default)]
pub struct Fence {
    /// `Some` once this process takes part in leasing (its instance id).
    instance: Mutex<Option<String>>,
    held: Mutex<BTreeMap<String, u64>>,
    slot: Mutex<Slot>,
}

/// Which per-item work is this instance's: items numbered `n` with
/// `n % of == index`. One instance (or no leasing) takes everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub index: usize,
    pub of: usize,
}

impl Default for Slot {
    fn default() -> Slot {
        Slot { index: 0, of: 1 }
    }
}

impl Slot {
    /// Whether work item `n` is this instance's to pick.
    pub fn takes(&self, n: u64) -> bool {
        n % self.of.max(1) as u64 == self.index as u64
    }
}

impl Fence {
    fn set(&self, instance: &str, round: &Round) {
        *self.instance.lock().unwrap_or_else(|p| p.into_inner()) = Some(instance.to_string());
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) = round
            .states
            .iter()
            .filter(|s| s.held)
            .map(|s| (s.mailbox.clone(), s.epoch))
            .collect();
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = Slot {
            index: round.slot,
            of: round.live.max(1),
        };
    }

    fn instance(&self) -> Option<String> {
        self.instance
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether this process takes part in leasing, so commits must be fenced.
    pub(super) fn armed(&self) -> bool {
        self.instance
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Inside a commit for `mailbox`: fails unless this process still holds
    /// the lease with the epoch it was granted. A no-op without leasing.
    pub(super) fn check(
        &self,
        leases: &TransactionalTree,
        mailbox: &str,
    ) -> Result<(), ConflictableTransactionError<StoreError>> {
        let Some(me) = self
            .instance
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        else {
            return Ok(());
        };
        let granted = self
            .held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(mailbox)
            .copied();
        let stored: Option<Lease> = leases
            .get(mailbox.as_bytes())?
            .map(|v| decode(LEASES, &v))
            .transpose()
            .map_err(ConflictableTransactionError::Abort)?;
        let current = stored
            .is_some_and(|l| l.owner.as_deref() == Some(me.as_str()) && Some(l.epoch) == granted);
        if current {
            Ok(())
        } else {
            Err(ConflictableTransactionError::Abort(StoreError::LeaseLost(
                mailbox.to_string(),
            )))
        }
    }
}

/// The lease of one hand-off endpoint's queue (`@handoff/crm`) on a shared
/// store: its events go out from one instance at a time, in commit order,
/// while different endpoints are drained by different instances. The
/// `@handoff` lease itself keeps the fan-out (one instance, in commit order).
pub fn handoff_endpoint(name: &str) -> String {
    format!("{HANDOFF}/{name}")
}

/// The number a keyed work item's slot is taken from (an email's
/// Message-ID, a lead id): FNV-1a of the key, the same on every instance
/// and build (std's hasher promises neither).
pub fn item_number(key: &[u8]) -> u64 {
    key.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The shared fence of a store handle and its clones.
pub(super) fn new_fence() -> Arc<Fence> {
    Arc::new(Fence::default())
}

impl Store {
    /// Runs `f` in one transaction over `trees`, committed only while this
    /// process still holds the lease `stage` (e.g. `"@outbox"`) with the
    /// epoch it was granted; otherwise fails with [`StoreError::LeaseLost`]
    /// and writes nothing. Without leasing, exactly `trees.transaction(f)`:
    /// the `leases` tree is not even read.
    pub fn stage_transaction<R>(
        &self,
        stage: &str,
        trees: &[&Tree],
        f: impl Fn(&[TransactionalTree]) -> ConflictableTransactionResult<R>,
    ) -> Result<R, StoreError> {
        let fenced = self.fence.armed();
        let mut all = trees.to_vec();
        if fenced {
            all.push(&self.leases);
        }
        let result = super::kv::transaction_over(&all, |views| {
            if fenced {
                self.fence.check(&views[trees.len()], stage)?;
            }
            f(&views[..trees.len()])
        });
        result.map_err(StoreError::from)
    }

    /// Runs `f` in one transaction over `trees`, committed only while this
    /// instance is live: its heartbeat in the `instances` tree, read inside
    /// the transaction, is at most [`TTL_MS`] old. What the per-item stages
    /// whose work has an effect outside the store (an SMTP send) fence their
    /// claims with: the other instances take an item marked by this one as
    /// abandoned exactly when this check would fail (see
    /// [`Store::live_instances`]), so an instance that paused past its TTL
    /// cannot mark an email `Sending` another instance may be reconciling.
    /// Fails with [`StoreError::LeaseLost`]`(stage)`. Without leasing,
    /// exactly `trees.transaction(f)`.
    pub fn live_transaction<R>(
        &self,
        stage: &str,
        trees: &[&Tree],
        f: impl Fn(&[TransactionalTree]) -> ConflictableTransactionResult<R>,
    ) -> Result<R, StoreError> {
        let me = self.fence.instance();
        let mut all = trees.to_vec();
        let instances = self.tree(INSTANCES)?;
        if me.is_some() {
            all.push(&instances);
        }
        let result = super::kv::transaction_over(&all, |views| {
            if let Some(me) = &me {
                let now = jiff::Timestamp::now().as_millisecond();
                let beat: Option<i64> = views[trees.len()]
                    .get(me.as_bytes())?
                    .and_then(|v| decode(INSTANCES, &v).ok());
                if beat.is_none_or(|b| now - b > TTL_MS) {
                    return Err(ConflictableTransactionError::Abort(StoreError::LeaseLost(
                        stage.to_string(),
                    )));
                }
            }
            f(&views[..trees.len()])
        });
        result.map_err(StoreError::from)
    }

    /// The instances whose heartbeat is at most [`TTL_MS`] old at `now_ms`
    /// (empty without leasing): an item a live instance has marked as its
    /// own is in its hands; one marked by any other instance was left behind.
    pub fn live_instances(
        &self,
        now_ms: i64,
    ) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let mut live = std::collections::BTreeSet::new();
        for item in self.tree(INSTANCES)?.iter() {
            let (id, beat) = item?;
            let beat: i64 = decode(INSTANCES, &beat).unwrap_or(i64::MIN / 2);
            if now_ms - beat <= TTL_MS {
                live.insert(String::from_utf8_lossy(&id).into_owned());
            }
        }
        Ok(live)
    }

    /// This instance's id once it takes part in leasing (`None` on one
    /// instance): what it writes as the owner of the items it works on.
    pub fn instance_id(&self) -> Option<String> {
        self.fence.instance()
    }

    /// A handle on the same database with a fence of its own: how another
    /// instance sees the store (a takeover tested on one sled database).
    pub fn as_another_instance(&self) -> Result<Store, StoreError> {
        Store::on(self.db.clone())
    }

    /// The act stage's work items (response id → pending mark), for a
    /// decision's commit to claim its response
    /// ([`TransactionalTree::claim`](super::kv::TransactionalTree::claim)).
    pub fn pending_marks(&self) -> Tree {
        self.pending.clone()
    }

    /// Which per-item work items this instance picks (everything without
    /// leasing).
    pub fn slot(&self) -> Slot {
        *self.fence.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts `n` work items of `stage` claimed by this instance: the
    /// `carousel_claims_total{stage}` metric and, with leasing, the
    /// instance's row in the `claims` tree (one row per instance, so the
    /// instances never contend on it; what shows which instance did what).
    pub fn count_claims(&self, stage: &str, n: usize) -> Result<(), StoreError> {
        if n == 0 {
            return Ok(());
        }
        metrics::counter!(crate::metrics::CLAIMS, "stage" => stage.trim_start_matches('@').to_string())
            .increment(n as u64);
        let Some(me) = self.fence.instance() else {
            return Ok(());
        };
        let key = [stage.as_bytes(), &[0], me.as_bytes()].concat();
        self.tree(CLAIMS)?.update_and_fetch(key, |old| {
            let before = old
                .and_then(|v| <[u8; 8]>::try_from(v).ok())
                .map_or(0, u64::from_be_bytes);
            Some((before + n as u64).to_be_bytes().to_vec())
        })?;
        Ok(())
    }

    /// Fails with [`StoreError::LeaseLost`] unless this process still holds
    /// `stage`: checked before an effect outside the store (an HTTP POST)
    /// that no transaction can cover. Free without leasing.
    pub fn check_stage(&self, stage: &str) -> Result<(), StoreError> {
        if !self.fence.armed() {
            // Not even an empty transaction (a round trip on PostgreSQL).
            return Ok(());
        }
        self.stage_transaction(stage, &[], |_| Ok(()))
    }

    /// One heartbeat of instance `me` over `mailboxes` at `now_ms`: beats,
    /// renews, takes and releases leases as described in the module docs,
    /// and arms the fence of this store handle (and its clones).
    pub fn lease_round(
        &self,
        me: &str,
        mailboxes: &[String],
        now_ms: i64,
    ) -> Result<Round, StoreError> {
        self.lease_round_keeping(me, mailboxes, &Default::default(), now_ms)
    }

    /// [`Store::lease_round`], where the leases in `busy` that `me` must give
    /// up are kept (renewed, reported as not held) until their work has
    /// stopped: the next holder starts only after this one has finished.
    pub fn lease_round_keeping(
        &self,
        me: &str,
        mailboxes: &[String],
        busy: &std::collections::BTreeSet<String>,
        now_ms: i64,
    ) -> Result<Round, StoreError> {
        let instances = self.tree(INSTANCES)?;
        instances.insert(me.as_bytes(), encode(&now_ms))?;
        let mut live = Vec::new();
        for item in instances.iter() {
            let (id, beat) = item?;
            let beat: i64 = decode(INSTANCES, &beat).unwrap_or(0);
            if now_ms - beat <= TTL_MS {
                live.push(String::from_utf8_lossy(&id).into_owned());
            } else if now_ms - beat > FORGET_MS {
                instances.remove(&id)?;
            }
        }
        live.sort();
        let mut names = mailboxes.to_vec();
        names.sort();
        names.dedup();
        let leases = self.tree(LEASES)?;
        let round = leases.transaction(|t| {
            let mut round = Round {
                live: live.len(),
                slot: live.iter().position(|l| l == me).unwrap_or(0),
                ..Round::default()
            };
            for (i, mailbox) in names.iter().enumerate() {
                let target = &live[i % live.len().max(1)];
                let mut lease: Lease = match t.get(mailbox.as_bytes())? {
                    Some(v) => decode(LEASES, &v).map_err(ConflictableTransactionError::Abort)?,
                    None => Lease::default(),
                };
                let mine = lease.owner.as_deref() == Some(me);
                let free = lease.owner.is_none()
                    || lease.expires_at_ms <= now_ms
                    || !live
                        .iter()
                        .any(|l| Some(l.as_str()) == lease.owner.as_deref());
                let held = if target == me && mine && lease.expires_at_ms > now_ms {
                    lease.expires_at_ms = now_ms + TTL_MS;
                    true
                } else if target == me && (free || mine) {
                    lease.owner = Some(me.to_string());
                    lease.epoch += 1;
                    lease.expires_at_ms = now_ms + TTL_MS;
                    round.taken += 1;
                    true
                } else {
                    if mine && busy.contains(mailbox) {
                        // Still working: hold on until it has stopped.
                        lease.expires_at_ms = now_ms + TTL_MS;
                    } else if mine {
                        lease.owner = None;
                        lease.expires_at_ms = now_ms;
                        round.released += 1;
                    }
                    false
                };
                if held || mine {
                    t.insert(mailbox.as_bytes(), encode(&lease))?;
                }
                round.states.push(LeaseState {
                    mailbox: mailbox.clone(),
                    held,
                    owner: lease.owner.clone(),
                    epoch: lease.epoch,
                    expires_at_ms: lease.expires_at_ms,
                });
            }
            Ok(round)
        })?;
        self.fence.set(me, &round);
        Ok(round)
    }

    /// Gives up every lease `me` holds (a graceful stop), so the other
    /// instances take them at their next heartbeat instead of after expiry.
    pub fn release_leases(&self, me: &str) -> Result<(), StoreError> {
        let leases = self.tree(LEASES)?;
        for item in leases.iter() {
            let (mailbox, value) = item?;
            let mut lease: Lease = decode(LEASES, &value)?;
            if lease.owner.as_deref() == Some(me) {
                lease.owner = None;
                lease.expires_at_ms = 0;
                // Only if unchanged: it may have expired and moved on meanwhile.
                let _ = leases.compare_and_swap(&mailbox, Some(&value), Some(encode(&lease)))?;
            }
        }
        self.tree(INSTANCES)?.remove(me.as_bytes())?;
        self.fence.set(me, &Round::default());
        Ok(())
    }
}

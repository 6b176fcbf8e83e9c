//! Safe import, as a new user meets it on the shipped configuration: the
//! same CSV imported twice adds nothing the second time, nothing is ever
//! sent to imported people, reps get one digest per import, a dry run
//! writes nothing, and a `Notes` column stays with the lead.

mod common;

use std::path::{Path, PathBuf};

use carousel::outbox::OutboundRecord;
use carousel::store::{Store, decode};
use common::carousel_run;
use serde_json::Value;

/// The shipped `config/carousel.toml` with its paths moved into `dir` and no HTTP listener.
fn shipped_config(dir: &Path) -> PathBuf {
    shipped_config_and(dir, "")
}

/// [`shipped_config`] with `extra` TOML appended.
fn shipped_config_and(dir: &Path, extra: &str) -> PathBuf {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/carousel.toml"))
            .unwrap();
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let inbox = dir.join("inbox");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(inbox.join(sub)).unwrap();
    }
    let text = shipped
        .replace("\"../var/store\"", &format!("{:?}", dir.join("store")))
        .replace("\"../var/inbox\"", &format!("{inbox:?}"))
        .replace("\"../var/outbox\"", &format!("{:?}", dir.join("outbox")))
        .replace("\"../templates\"", &format!("{templates:?}"))
        .replace("[http]", "[http_disabled_by_test]")
        .replace("listen = \"127.0.0.1:8025\"", "");
    let text = text.replace("[http_disabled_by_test]\n", "") + extra;
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// 40 rows: hot (ASAP with phone), quiet ones without timeline, one
/// duplicate spelled differently, one bad row, and a `Notes` column.
fn write_csv(path: &Path) {
    let mut csv = String::from("Name,Email,Phone,Interest,Timeline,Notes\n");
    for i in 0..40 {
        match i % 4 {
            0 => csv.push_str(&format!(
                "Hot Person{i},hot{i}@buyer.example,+1 555 010 {i:04},Rooftop solar,ASAP,met at the fair\n"
            )),
            1 => csv.push_str(&format!(
                "Quiet Person{i},quiet{i}@buyer.example,,Solar,,\n"
            )),
            2 => csv.push_str(&format!(
                "Later Person{i},later{i}@buyer.example,+1 555 020 {i:04},Heat pump,next year,call after 5pm\n"
            )),
            _ => csv.push_str(&format!(
                "Maybe Person{i},maybe{i}@buyer.example,,Battery storage,within 3 months,\n"
            )),
        }
    }
    csv.push_str("Dup Person,HOT0@Buyer.example,,,,\n");
    csv.push_str("No Contact,,,Solar,,\n");
    std::fs::write(path, csv).unwrap();
}

fn outbox(config_dir: &Path) -> Vec<OutboundRecord> {
    let store = Store::open(&config_dir.join("store"), 8).unwrap();
    store
        .tree(carousel::outbox::TREE)
        .unwrap()
        .iter()
        .values()
        .map(|v| decode("outbox", &v.unwrap()).unwrap())
        .collect()
}

fn import(config: &Path, csv: &Path, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["import", csv.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (ok, out, err) = carousel_run(&args, config);
    assert!(ok, "import failed: {err}");
    let summary = out.lines().last().expect("a summary line");
    (serde_json::from_str(summary).unwrap(), out)
}

#[test]
fn the_same_csv_twice_adds_nothing_and_imported_people_get_no_email() {
    let dir = tempfile::tempdir().unwrap();
    let config = shipped_config(dir.path());
    let csv = dir.path().join("fair-2026.csv");
    write_csv(&csv);

    let (first, _) = import(&config, &csv, &[]);
    assert_eq!(first["stored"], 40, "{first}");
    assert_eq!(first["merged"], 1, "{first}");
    assert_eq!(first["bad"], 1, "{first}");
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    let after_first = outbox(dir.path());

    let imported: Vec<String> = (0..40)
        .flat_map(|i| ["hot", "quiet", "later", "maybe"].map(|k| format!("{k}{i}@buyer.example")))
        .collect();
    for record in &after_first {
        for to in &record.email.to {
            assert!(
                !imported.contains(&to.to_lowercase()),
                "an imported person was mailed: {to} ({:?})",
                record.email.purpose
            );
        }
    }
    // Whatever routing does with high-potential leads, Dana (the only rep)
    // gets at most one email for the whole import.
    let to_dana = after_first
        .iter()
        .filter(|r| r.email.to.iter().any(|t| t == "dana@acme.example"))
        .count();
    assert!(to_dana <= 1, "{after_first:#?}");
    let (second, _) = import(&config, &csv, &[]);
    assert_eq!(second["stored"], 0, "{second}");
    assert_eq!(second["already_stored"], 41, "{second}");
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    assert_eq!(
        outbox(dir.path()).len(),
        after_first.len(),
        "second import sent mail"
    );
    let (ok, out, err) = carousel_run(&["responses", "list", "--json"], &config);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 40);
}

#[test]
fn reps_get_one_digest_per_import_not_one_email_per_lead() {
    let dir = tempfile::tempdir().unwrap();
    // The fair's list is worth points: its ASAP leads with a phone are hot.
    let config = shipped_config_and(
        dir.path(),
        "\n[scoring.providers]\n\"import:fair-2026.csv\" = 30\n",
    );
    let csv = dir.path().join("fair-2026.csv");
    write_csv(&csv);
    import(&config, &csv, &[]);
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    let (ok, leads, err) = carousel_run(&["leads", "list", "--json"], &config);
    assert!(ok, "{err}");
    let hot: Vec<Value> = leads
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| l["rank"] == "hot")
        .collect();
    assert!(hot.len() >= 10, "{leads}");
    // The list filters: the same hot leads, and only Dana's.
    let (ok, filtered, err) = carousel_run(
        &["leads", "list", "--rank", "hot", "--rep", "dana"],
        &config,
    );
    assert!(ok, "{err}");
    assert_eq!(filtered.lines().count(), hot.len(), "{filtered}");
    let (ok, _, err) = carousel_run(&["leads", "list", "--rep", "nobody"], &config);
    assert!(ok, "{err}");
    let (ok, _, err) = carousel_run(&["responses", "list", "--rank", "hot"], &config);
    assert!(!ok && err.contains("no --rank filter"), "{err}");
    let sent = outbox(dir.path());
    let to_dana: Vec<&OutboundRecord> = sent
        .iter()
        .filter(|r| r.email.to.iter().any(|t| t == "dana@acme.example"))
        .collect();
    assert_eq!(to_dana.len(), 1, "{sent:#?}");
    let digest = &to_dana[0].email;
    assert!(digest.subject.contains("imported leads"), "{digest:#?}");
    for lead in &hot {
        let email = lead["lead"]["contact"]["email"].as_str().unwrap();
        assert!(
            digest.text.contains(email),
            "{email} missing: {}",
            digest.text
        );
    }
    // A second run finds nothing more to send.
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    assert_eq!(outbox(dir.path()).len(), sent.len());
}

#[test]
fn dry_run_names_every_row_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = shipped_config(dir.path());
    let csv = dir.path().join("fair-2026.csv");
    write_csv(&csv);
    let (summary, out) = import(&config, &csv, &["--dry-run"]);
    assert_eq!(summary["dry_run"], true);
    assert_eq!(summary["stored"], 40, "{summary}");
    assert!(out.contains("row 2: new lead hot0@buyer.example"), "{out}");
    assert!(out.contains("row 42: merged into row 2"), "{out}");
    assert!(out.contains("row 43: bad: no email or phone"), "{out}");
    let (ok, list, err) = carousel_run(&["responses", "list", "--json"], &config);
    assert!(ok, "{err}");
    assert_eq!(list.trim(), "", "a dry run stored responses");

    // After a real import, the dry run sees every row as already imported.
    import(&config, &csv, &[]);
    let (again, out) = import(&config, &csv, &["--dry-run"]);
    assert_eq!(again["stored"], 0, "{again}");
    assert_eq!(again["already_stored"], 41, "{again}");
    assert!(out.contains("row 2: already imported"), "{out}");
}

#[test]
fn a_notes_column_stays_with_the_lead() {
    let dir = tempfile::tempdir().unwrap();
    let config = shipped_config(dir.path());
    let csv = dir.path().join("fair-2026.csv");
    write_csv(&csv);
    import(&config, &csv, &[]);
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    let (ok, out, err) = carousel_run(&["lead", "show", "L-1001"], &config);
    assert!(ok, "{err}");
    let lead: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        lead["lead"]["contact"]["email"], "hot0@buyer.example",
        "{lead}"
    );
    assert!(
        lead["notes"]
            .as_str()
            .is_some_and(|n| n.contains("met at the fair")),
        "{lead}"
    );
}

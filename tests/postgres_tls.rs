//! TLS to the shared store: a private PostgreSQL that takes TLS connections
//! only, with a certificate for `db.internal` signed by a test CA. The
//! store connects with libpq's `sslmode`/`sslrootcert` and checks as much
//! of the server's certificate as the mode asks.

mod common;

use carousel::store::Store;
use common::postgres::{new_database, tls_server};

/// This binary's PostgreSQL port (each test binary has its own).
const PG_PORT: u16 = 25436;

/// A URL that names the server `db.internal` (what its certificate says)
/// and connects to 127.0.0.1 (`hostaddr`).
fn by_name(db: &str, params: &str) -> String {
    format!("postgresql://carousel@db.internal:{PG_PORT}/{db}?hostaddr=127.0.0.1&{params}")
}

fn refused(url: &str) -> String {
    match Store::open_postgres(url) {
        Ok(_) => panic!("{url}: connected"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_store_connects_over_tls_and_checks_the_certificate_as_asked() {
    let (_, tls) = tls_server(PG_PORT);
    let db = new_database(PG_PORT);
    let ca = tls.ca.display().to_string();
    let other = tls.other_ca.display().to_string();

    // The server refuses plain connections, so every store opened below
    // talks TLS.
    let plain = refused(&by_name(&db, "sslmode=disable"));
    assert!(plain.contains("connecting"), "{plain}");

    // verify-full with the CA that signed the certificate: a working store.
    let store = Store::open_postgres(&by_name(
        &db,
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .unwrap();
    let tree = store.tree("tls_check").unwrap();
    tree.insert(b"k", b"over TLS".to_vec()).unwrap();
    assert_eq!(tree.get(b"k").unwrap().as_deref(), Some(&b"over TLS"[..]));

    // Another CA: refused, whether the host name is checked or not.
    for mode in ["verify-full", "verify-ca"] {
        let e = refused(&by_name(
            &db,
            &format!("sslmode={mode}&sslrootcert={other}"),
        ));
        assert!(e.contains("certificate"), "{mode}: {e}");
    }

    // By address, the certificate's name does not match: verify-full
    // refuses, verify-ca (the chain only) accepts.
    let by_ip = format!("postgresql://carousel@127.0.0.1:{PG_PORT}/{db}");
    let e = refused(&format!("{by_ip}?sslmode=verify-full&sslrootcert={ca}"));
    assert!(e.contains("certificate"), "{e}");
    let store =
        Store::open_postgres(&format!("{by_ip}?sslmode=verify-ca&sslrootcert={ca}")).unwrap();
    assert!(
        store
            .tree("tls_check")
            .unwrap()
            .get(b"k")
            .unwrap()
            .is_some()
    );

    // require: encrypted without checking (libpq's meaning); no CA needed.
    Store::open_postgres(&format!("{by_ip}?sslmode=require")).unwrap();
}

/// `[store] ca_file` reaches the connection: the config's URL (from
/// `url_file`) asks for verify-full, and the CA comes from `ca_file`.
#[test]
fn the_config_ca_file_checks_the_database_certificate() {
    let (_, tls) = tls_server(PG_PORT);
    let db = new_database(PG_PORT);
    let dir = tempfile::tempdir().unwrap();
    let url_file = dir.path().join("db-url");
    std::fs::write(&url_file, by_name(&db, "sslmode=verify-full")).unwrap();
    let section = |ca: &std::path::Path| -> carousel::store::config::StoreConfig {
        toml::from_str(&format!(
            "backend = \"postgres\"\nurl_file = {:?}\nca_file = {:?}\n",
            url_file.display().to_string(),
            ca.display().to_string()
        ))
        .unwrap()
    };
    let good = section(&tls.ca);
    assert!(good.problems().is_empty(), "{:?}", good.problems());
    let store = Store::open_postgres(&good.postgres_url().unwrap()).unwrap();
    store
        .tree("tls_config")
        .unwrap()
        .insert(b"k", b"v".to_vec())
        .unwrap();
    let bad = section(&tls.other_ca);
    let e = refused(&bad.postgres_url().unwrap());
    assert!(e.contains("certificate"), "{e}");
}

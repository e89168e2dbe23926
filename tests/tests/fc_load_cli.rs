//! `fc-load` answers `--help`, and a wrong command line with its usage and
//! exit status 2, never a panic.

use std::process::Command;

#[test]
fn help_and_wrong_options_are_answered() {
    let help = Command::new(env!("CARGO_BIN_EXE_fc-load"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("usage: fc-load"));
    for wrong in [&["--bogus", "1"][..], &["--logins", "many"], &["--logins"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_fc-load"))
            .args(wrong)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{wrong:?}: {stderr}");
        assert!(
            stderr.contains("usage: fc-load") && !stderr.contains("panicked"),
            "{wrong:?}: {stderr}"
        );
    }
}

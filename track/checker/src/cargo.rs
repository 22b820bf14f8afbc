//! Building the learner's packages with cargo, from wherever the checker was started.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The workspace's root folder, found from this package's place in it.
pub fn workspace_root() -> PathBuf {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    PathBuf::from(root)
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(root))
}

/// Builds `packages` with one `cargo build` and returns each binary's path by name.
/// Cargo's own messages (a compile error in the learner's code above all) go to the
/// terminal as usual; its JSON on stdout says where each binary is.
pub fn build(packages: &[&str]) -> Result<HashMap<String, PathBuf>, String> {
    run_build(packages, false)
}

/// [`build`], going on past a package that does not compile: the result lacks it.
pub fn build_keep_going(packages: &[&str]) -> Result<HashMap<String, PathBuf>, String> {
    run_build(packages, true)
}

fn run_build(packages: &[&str], keep_going: bool) -> Result<HashMap<String, PathBuf>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .current_dir(workspace_root())
        .args(["build", "--message-format=json-render-diagnostics"]);
    if keep_going {
        command.arg("--keep-going");
    }
    for package in packages {
        command.args(["-p", package]);
    }
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run {}: {e}", cargo.to_string_lossy()))?;
    if !output.status.success() && !keep_going {
        return Err(format!(
            "`cargo build -p {}` failed (its messages are above)",
            packages.join(" -p ")
        ));
    }
    let mut binaries = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        if let (Some(name), Some(executable)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) {
            binaries.insert(name.to_string(), PathBuf::from(executable));
        }
    }
    Ok(binaries)
}

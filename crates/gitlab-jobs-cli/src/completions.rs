//! Shell completion scripts, from clap_complete, with its bash script mended.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::Cli;

/// The binary's name, as shells call it.
const NAME: &str = "gitlab-jobs";

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), NAME, &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    match shell {
        Shell::Bash => mend_bash(&script),
        _ => script,
    }
}

/// clap_complete (4.6) names the states of its bash script two ways for a binary whose name
/// has a hyphen (clap issues 6421 and 6529): the loop that walks the words sets
/// `gitlab__jobs__subcmd__list`, while the cases that complete read
/// `gitlab__subcmd__jobs__subcmd__list`, so nothing after the subcommand completes. The cases
/// are given the loop's names. A script without the mismatch (a clap_complete that fixed it)
/// is left as it is; the tests run the script in bash either way.
fn mend_bash(script: &str) -> String {
    let loop_name = NAME.replace('-', "__");
    let case_name = NAME.replace('-', "__subcmd__");
    script.replace(
        &format!("        {case_name}__subcmd__"),
        &format!("        {loop_name}__subcmd__"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every state the bash script's loop can reach has a case that completes it.
    #[test]
    fn every_bash_state_has_its_case() {
        let script = script(Shell::Bash);
        let states: Vec<&str> = script
            .lines()
            .filter_map(|line| line.trim().strip_prefix("cmd=\""))
            .filter_map(|rest| rest.strip_suffix('"'))
            .filter(|state| !state.is_empty())
            .collect();
        assert!(states.len() > 20, "{states:?}");
        for state in states {
            assert!(
                script.contains(&format!("\n        {state})\n")),
                "no case completes {state}"
            );
        }
        assert!(
            !script.contains("__subcmd__jobs"),
            "a case keeps clap_complete's other name"
        );
    }
}

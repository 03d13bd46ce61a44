//! docs/CLUSTER.md shows the shipped Slurm scripts and Kubernetes manifests verbatim:
//! the page cannot drift from the files `scripts/slurm-local.sh` really submits.

#[test]
fn the_cluster_page_shows_the_shipped_scripts_as_they_are() {
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!("{root}/docs/CLUSTER.md")).unwrap();
    for file in [
        "scripts/slurm/shards.sbatch",
        "scripts/slurm/merge.sbatch",
        "scripts/k8s/corridor-shards.yaml",
        "scripts/k8s/corridor-merge.yaml",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        assert!(
            doc.contains(text.trim_end()),
            "docs/CLUSTER.md does not show {file} as shipped"
        );
    }
    // The local Slurm check submits those very scripts.
    let local = std::fs::read_to_string(format!("{root}/scripts/slurm-local.sh")).unwrap();
    assert!(local.contains("scripts/slurm/shards.sbatch"));
    assert!(local.contains("scripts/slurm/merge.sbatch"));
    assert!(local.contains("--dependency=afterok"));
}

//! The `color` key of `[[corridors]]`: parsed into the model, bad values refused with a
//! located error, and the shipped seed gives its corridors distinct colours.

mod common;

use std::path::Path;

use corridor_sim::scenario;

fn fixture() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/two-routes.toml"),
    )
    .expect("fixture")
}

#[test]
fn a_corridor_colour_is_parsed() {
    let text = fixture().replacen(
        "[[corridors]]\nid = \"north\"\n",
        "[[corridors]]\nid = \"north\"\ncolor = \"#D55e00\"\n",
        1,
    );
    let s = common::load_text(&text);
    assert_eq!(s.corridors[0].color, Some([0xD5, 0x5E, 0x00]));
    assert_eq!(s.corridors[1].color, None);
}

#[test]
fn a_bad_colour_is_refused_with_its_file_line_and_key() {
    for bad in ["orange", "#12345", "#GG0000", "D55E00", "#D55E00FF"] {
        let text = fixture().replacen(
            "[[corridors]]\nid = \"south\"\n",
            &format!("[[corridors]]\nid = \"south\"\ncolor = \"{bad}\"\n"),
            1,
        );
        // 1-based line of the `color` key itself.
        let color_line = text
            .lines()
            .position(|l| l.starts_with("color = "))
            .expect("the colour line")
            + 1;
        let (_dir, path) = common::scenario_file("bad-colour", &text);
        let err = scenario::load(&path).expect_err("a bad colour must be refused");
        let p = err
            .problems()
            .iter()
            .find(|p| p.key == "corridors[1].color")
            .unwrap_or_else(|| panic!("no problem for the colour {bad}: {err}"));
        assert_eq!(p.location.file, path);
        assert_eq!(p.location.line, Some(color_line), "{bad}: {p}");
        let shown = p.to_string();
        assert!(shown.contains("#RRGGBB"), "{shown}");
        assert!(shown.contains(bad), "{shown}");
    }
}

#[test]
fn the_seed_gives_every_corridor_a_distinct_colour() {
    let s = common::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tripp-opens.toml"));
    let feeders_grey = s
        .corridors
        .iter()
        .filter(|c| c.name.starts_with("Feeder"))
        .all(|c| matches!(c.color, Some([r, g, b]) if r == g && g == b));
    assert!(feeders_grey, "feeders should be grey");
    let mut colours: Vec<[u8; 3]> = s
        .corridors
        .iter()
        .map(|c| c.color.expect("every seed corridor has a colour"))
        .collect();
    colours.sort_unstable();
    colours.dedup();
    assert_eq!(
        colours.len(),
        s.corridors.len(),
        "two corridors share a colour"
    );
}

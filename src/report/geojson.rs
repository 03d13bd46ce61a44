//! `network.geojson`: the network with its yearly figures, for GIS tools and web maps.
//!
//! An RFC 7946 FeatureCollection in WGS84 longitude, latitude (no `crs` member): each
//! link a LineString from its `from` node to its `to` node with its identity and, per
//! year, the mean tonnes and utilization (`tonnes_2030`, `utilization_2030`); each node
//! a Point with id, name, kind and country. Numbers are rounded as in the CSV files.

use serde_json::{Map, Value, json};

use crate::model::Scenario;
use crate::output::summary::num;
use crate::results::Results;

/// The FeatureCollection: links first, in scenario order, then nodes.
pub fn network(s: &Scenario, r: &Results) -> Value {
    let t = &r.links;
    let (k_year, k_link) = (t.key("year"), t.key("link"));
    let (m_t, m_u, m_open) = (
        t.metric("tonnes"),
        t.metric("utilization"),
        t.metric("open"),
    );
    let mut features = Vec::with_capacity(s.links.len() + s.nodes.len());
    for l in &s.links {
        let (a, b) = (&s.nodes[l.from], &s.nodes[l.to]);
        let capacity = l.capacity_tpy.nominal();
        let mut props = Map::new();
        props.insert("feature".into(), json!("link"));
        props.insert("id".into(), json!(l.id));
        props.insert("from".into(), json!(a.id));
        props.insert("to".into(), json!(b.id));
        props.insert("mode".into(), json!(l.mode.name()));
        props.insert("corridor".into(), json!(s.corridors[l.corridor].id));
        props.insert("corridor_name".into(), json!(s.corridors[l.corridor].name));
        props.insert("new_corridor".into(), json!(s.corridors[l.corridor].new));
        props.insert("two_way".into(), json!(l.two_way));
        props.insert("length_km".into(), num(l.length_km.nominal()));
        props.insert("capacity_tpy".into(), num(capacity));
        if let (Some(ky), Some(kl)) = (k_year, k_link) {
            for row in t.rows.iter().filter(|row| row.keys[kl] == l.id) {
                let y = &row.keys[ky];
                if let Some(m) = m_t {
                    props.insert(format!("tonnes_{y}"), num(row.stats[m].mean));
                }
                if let Some(m) = m_u {
                    // Utilization of a link without a capacity limit is undefined.
                    let u = if capacity.is_finite() {
                        row.stats[m].mean
                    } else {
                        f64::NAN
                    };
                    props.insert(format!("utilization_{y}"), num(u));
                }
                if let Some(m) = m_open {
                    props.insert(format!("open_{y}"), num(row.stats[m].mean));
                }
            }
        }
        queue_props(r, &l.id, &mut props);
        features.push(json!({
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[num(a.lon), num(a.lat)], [num(b.lon), num(b.lat)]],
            },
            "properties": props,
        }));
    }
    for n in &s.nodes {
        let mut node = json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [num(n.lon), num(n.lat)]},
            "properties": {
                "feature": "node",
                "id": n.id,
                "name": n.name,
                "kind": n.kind.name(),
                "country": n.country,
            },
        });
        if let Some(props) = node["properties"].as_object_mut() {
            queue_props(r, &n.id, props);
        }
        features.push(node);
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// A queue point's waits on the map (scenarios with `[[queues]]`): its id and, per
/// year, the mean and 95th-percentile wait (hours) and the largest queue (units).
fn queue_props(r: &Results, at: &str, props: &mut Map<String, Value>) {
    let Some(t) = &r.queues else { return };
    let (Some(ky), Some(kq), Some(ka)) = (t.key("year"), t.key("queue"), t.key("at")) else {
        return;
    };
    for row in t.rows.iter().filter(|row| row.keys[ka] == at) {
        let y = &row.keys[ky];
        props.insert("queue".into(), json!(row.keys[kq]));
        for m in ["wait_mean_h", "wait_p95_h", "queue_max_units"] {
            if let Some(i) = t.metric(m) {
                props.insert(format!("{m}_{y}"), num(row.stats[i].mean));
            }
        }
    }
}

/// The document as bytes (pretty, newline-terminated).
pub fn to_bytes(s: &Scenario, r: &Results) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&network(s, r)).unwrap_or_default();
    out.push(b'\n');
    out
}

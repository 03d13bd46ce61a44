//! Networks from other tools' formats: TNTP (the TransportationNetworks benchmark
//! collection) and GMNS (the General Modeling Network Specification, as written by
//! osm2gmns), read into the equilibrium solver or written as scenario files.

pub mod gmns;
pub mod tntp;

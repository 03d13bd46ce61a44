//! Networks from other tools' formats: TNTP (the TransportationNetworks benchmark
//! collection).

pub mod tntp;

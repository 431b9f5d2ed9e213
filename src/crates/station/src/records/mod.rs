//! What the line writes down and must not lose: the production log (a record per flash
//! attempt) and the row journal (which unit of per-board data went to which board). Both
//! append with fsync and are written by the station thread alone; a record that cannot
//! be written stops the line until it can.

pub mod production_log;
pub mod row_journal;

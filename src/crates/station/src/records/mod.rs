//! What the line writes down and must not lose: the production log (a record per flash
//! attempt) and the row journal (which unit of per-board data went to which board). Both
//! append with fsync and are written by the station thread alone; a record that cannot
//! be written stops the line until it can. With a line's store, the production log is
//! also its outbox: the records after the store's cursor are sent, in order, by the
//! station's link to the store.

pub mod outbox;
pub mod production_log;
pub mod row_journal;

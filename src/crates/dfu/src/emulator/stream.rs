//! The ROM's download stream: the DNLOAD payload parsed as CPIO as it arrives, with a
//! small header/name buffer, and each entry's data written straight to flash (erased
//! sector by sector on its first byte, MD5-checked at its end).

use md5::{Digest, Md5};

use crate::Status;
use firmware::cpio::{HEADER_LEN, Header, TRAILER_NAME, align4};
use firmware::esp::{FLAG_IGNORE_MD5, FLAG_NOERASE, FLAG_PARAM, INDEX_NAME, INDEX_RECORD_LEN};

/// Flash sector size: the erase unit.
pub const SECTOR: usize = 0x1000;
/// The longest CPIO name (with its NUL) the ROM accepts.
const NAME_MAX: usize = 256;
/// The largest index the ROM accepts (records for 1024 entries).
const INDEX_MAX: usize = 1024 * INDEX_RECORD_LEN;
/// Bytes of `flash_params.dat`.
const PARAMS_LEN: usize = 32;
/// Offset of chip_size in `flash_params.dat`.
const PARAMS_CHIP_SIZE: usize = 12;

/// Where the parser is in the stream.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Collecting the 110 header bytes (`have` so far).
    Header { have: usize },
    /// Collecting the name, its NUL and its padding.
    Name { header: Header, have: usize },
    /// Streaming an entry's data (`done` of `size` bytes).
    Data { entry: Entry, done: u32, size: u32 },
    /// Skipping `left` bytes of padding after an entry's data.
    Pad { left: usize },
    /// After the trailer: the archive's zero padding, ignored.
    Finished,
}

/// What an entry's data is for.
#[derive(Debug, Clone, Copy)]
enum Entry {
    Index,
    /// `dfuinfo0.dat` record `record`, flashed or (PARAM) read as flash parameters.
    Record {
        record: usize,
        address: u32,
        flags: u32,
    },
}

/// The download stream and the flash it writes.
#[derive(Debug)]
pub struct Writer {
    flash: Vec<u8>,
    /// The flash size the ROM writes within: the flash, or less per `flash_params.dat`.
    limit: usize,
    step: Step,
    head: [u8; HEADER_LEN],
    name: [u8; NAME_MAX],
    index: Vec<u8>,
    /// Whether the index has arrived.
    indexed: bool,
    /// The records used so far (entries seen after the index).
    used: usize,
    params: [u8; PARAMS_LEN],
    md5: Md5,
    /// The sectors this stream erased last: a part starting inside them (parts smaller
    /// than a sector) must not erase what the previous part just wrote.
    erased: std::ops::Range<usize>,
}

impl Writer {
    /// A writer over an erased flash of `flash_size` bytes.
    pub fn new(flash_size: usize) -> Writer {
        Writer {
            flash: vec![0xFF; flash_size],
            limit: flash_size,
            step: Step::Header { have: 0 },
            head: [0; HEADER_LEN],
            name: [0; NAME_MAX],
            index: Vec::with_capacity(64 * INDEX_RECORD_LEN),
            indexed: false,
            used: 0,
            params: [0; PARAMS_LEN],
            md5: Md5::new(),
            erased: 0..0,
        }
    }

    /// The flash contents.
    pub fn flash(&self) -> &[u8] {
        &self.flash
    }

    /// Mutable flash contents (to preload a board).
    pub fn flash_mut(&mut self) -> &mut [u8] {
        &mut self.flash
    }

    /// The flash size in use: the flash's, or smaller if `flash_params.dat` said so.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Forgets the flash size from `flash_params.dat` (at power-on).
    pub fn reset_limit(&mut self) {
        self.limit = self.flash.len();
    }

    /// Starts a new download stream (the flash size from the last `flash_params.dat`
    /// stays in force).
    pub fn restart(&mut self) {
        self.step = Step::Header { have: 0 };
        self.index.clear();
        self.indexed = false;
        self.used = 0;
        self.erased = 0..0;
    }

    /// Puts the stream in the middle of an earlier image: its index arrived and all of
    /// its entries too, so any new entry (even a new index) is out of place.
    pub fn leave_mid_stream(&mut self) {
        self.restart();
        self.indexed = true;
    }

    /// Whether the stream ended with its trailer.
    pub fn is_complete(&self) -> bool {
        matches!(self.step, Step::Finished)
    }

    /// Consumes the next bytes of the stream; returns how many sectors were erased.
    pub fn write(&mut self, mut data: &[u8]) -> Result<usize, Status> {
        let mut erased = 0;
        while !data.is_empty() {
            match self.step {
                Step::Header { have } => {
                    let n = data.len().min(HEADER_LEN - have);
                    self.head[have..have + n].copy_from_slice(&data[..n]);
                    data = &data[n..];
                    self.step = if have + n < HEADER_LEN {
                        Step::Header { have: have + n }
                    } else {
                        let header = Header::parse(&self.head).map_err(|_| Status::ErrFile)?;
                        let namesize = header.namesize as usize;
                        if namesize == 0 || namesize > NAME_MAX {
                            return Err(Status::ErrFile);
                        }
                        Step::Name { header, have: 0 }
                    };
                }
                Step::Name { header, have } => {
                    let need = header.data_start() - HEADER_LEN;
                    let n = data.len().min(need - have);
                    let keep = n.min(NAME_MAX.saturating_sub(have));
                    self.name[have..have + keep].copy_from_slice(&data[..keep]);
                    data = &data[n..];
                    self.step = if have + n < need {
                        Step::Name {
                            header,
                            have: have + n,
                        }
                    } else {
                        self.begin_entry(header)?
                    };
                }
                Step::Data { entry, done, size } => {
                    let n = data.len().min((size - done) as usize);
                    erased += self.entry_data(entry, done, size, &data[..n])?;
                    data = &data[n..];
                    let done = done + n as u32;
                    self.step = if done < size {
                        Step::Data { entry, done, size }
                    } else {
                        self.end_entry(entry)?;
                        Step::Pad {
                            left: align4(size as usize) - size as usize,
                        }
                    };
                }
                Step::Pad { left } => {
                    let n = data.len().min(left);
                    data = &data[n..];
                    self.step = match left - n {
                        0 => Step::Header { have: 0 },
                        left => Step::Pad { left },
                    };
                }
                Step::Finished => data = &[],
            }
        }
        Ok(erased)
    }

    /// Checks an entry's name against the index; returns the step reading its data.
    fn begin_entry(&mut self, header: Header) -> Result<Step, Status> {
        let name = match self.name[..header.namesize as usize].split_last() {
            Some((0, name)) => name,
            _ => return Err(Status::ErrFile),
        };
        let entry = if !self.indexed {
            if name != INDEX_NAME.as_bytes() || header.filesize as usize > INDEX_MAX {
                return Err(Status::ErrFile);
            }
            Entry::Index
        } else if name == TRAILER_NAME.as_bytes() {
            if self.used != self.records() {
                return Err(Status::ErrFile);
            }
            return Ok(Step::Finished);
        } else {
            let record = self.used;
            if record >= self.records() || name != self.record_name(record) {
                return Err(Status::ErrFile);
            }
            self.used += 1;
            let address = self.record_u32(record, 0);
            let flags = self.record_u32(record, 4);
            if flags & FLAG_PARAM != 0 && header.filesize as usize != PARAMS_LEN {
                return Err(Status::ErrFile);
            }
            Entry::Record {
                record,
                address,
                flags,
            }
        };
        self.md5.reset();
        let size = header.filesize;
        if size == 0 {
            self.end_entry(entry)?;
            return Ok(Step::Header { have: 0 });
        }
        Ok(Step::Data {
            entry,
            done: 0,
            size,
        })
    }

    /// Handles a piece of the data of an entry of `size` bytes, `done` bytes into it;
    /// returns how many sectors were erased.
    fn entry_data(
        &mut self,
        entry: Entry,
        done: u32,
        size: u32,
        data: &[u8],
    ) -> Result<usize, Status> {
        let Entry::Record { address, flags, .. } = entry else {
            self.index.extend_from_slice(data);
            return Ok(0);
        };
        self.md5.update(data);
        let done = done as usize;
        if flags & FLAG_PARAM != 0 {
            self.params[done..done + data.len()].copy_from_slice(data);
            return Ok(0);
        }
        let mut erased = 0;
        if done == 0 {
            if address as usize + size as usize > self.limit {
                return Err(Status::ErrAddress);
            }
            if flags & FLAG_NOERASE == 0 {
                erased = self.erase(address as usize, size as usize);
            }
        }
        let start = address as usize + done;
        let end = start + data.len();
        for (cell, &byte) in self.flash[start..end].iter_mut().zip(data) {
            *cell &= byte; // NOR flash: programming only clears bits
        }
        Ok(erased)
    }

    /// Erases the sectors covering `size` bytes at `address`, but for those this stream
    /// erased last; returns how many.
    fn erase(&mut self, address: usize, size: usize) -> usize {
        let mut first = address / SECTOR * SECTOR;
        let end = (address + size).div_ceil(SECTOR) * SECTOR;
        if self.erased.contains(&first) {
            first = self.erased.end.min(end);
        }
        let len = self.flash.len();
        self.flash[first.min(len)..end.min(len)].fill(0xFF);
        if first < end {
            self.erased = first..end;
        }
        (end - first) / SECTOR
    }

    /// Finishes an entry: checks the index's size or the entry's MD5, and takes in the
    /// flash parameters.
    fn end_entry(&mut self, entry: Entry) -> Result<(), Status> {
        let Entry::Record { record, flags, .. } = entry else {
            if !self.index.len().is_multiple_of(INDEX_RECORD_LEN) {
                return Err(Status::ErrFile);
            }
            self.indexed = true;
            return Ok(());
        };
        let digest: [u8; 16] = self.md5.finalize_reset().into();
        if flags & FLAG_IGNORE_MD5 == 0 && digest[..] != self.record_field(record, 72, 16)[..] {
            return Err(Status::ErrVerify);
        }
        if flags & FLAG_PARAM != 0 {
            let raw = &self.params[PARAMS_CHIP_SIZE..PARAMS_CHIP_SIZE + 4];
            let chip_size = u32::from_le_bytes(raw.try_into().expect("4 bytes")) as usize;
            if chip_size == 0 {
                return Err(Status::ErrFile);
            }
            self.limit = chip_size.min(self.flash.len());
        }
        Ok(())
    }

    fn records(&self) -> usize {
        self.index.len() / INDEX_RECORD_LEN
    }

    fn record_field(&self, record: usize, offset: usize, len: usize) -> &[u8] {
        let start = record * INDEX_RECORD_LEN + offset;
        &self.index[start..start + len]
    }

    fn record_u32(&self, record: usize, offset: usize) -> u32 {
        u32::from_le_bytes(
            self.record_field(record, offset, 4)
                .try_into()
                .expect("4 bytes"),
        )
    }

    /// A record's name: up to its first NUL (a 64-byte name has none).
    fn record_name(&self, record: usize) -> &[u8] {
        let field = self.record_field(record, 8, 64);
        let len = field.iter().position(|&b| b == 0).unwrap_or(field.len());
        &field[..len]
    }
}

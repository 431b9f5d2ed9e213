//! The station view: the fixture as a grid of equal tiles, one per slot, readable from two
//! metres. With the profile's `slots`, every slot has its tile from the start, in its
//! place, empty or not; without, each port that had a board this session keeps its tile,
//! in port order. A tile says its state in one large word (Ready, the percent, PASS,
//! FAIL, Empty) and the next step under it; its text is sized to fit the tile.

use eframe::egui::{self, Color32, RichText, Stroke, StrokeKind, pos2, vec2};

use super::devices::row_label;
use super::style::{Floor, size};
use i18n::t;
use station::advice::failure_headline;
use station::{BoardRow, BoardState, DeviceId, LoadedImage, Outcome, Registry};

use failure::Code;

/// The gap between tiles.
const GAP: f32 = 10.0;
/// A tile is at most this much wider than high, and at most this much higher than wide
/// (past that it keeps its size and leaves the rest of the space empty).
const WIDEST: f32 = 2.0;
const TALLEST: f32 = 1.25;
/// Without slots, the grid is laid out for at least this many tiles, so that one board
/// never fills the window.
const MIN_CELLS: usize = 4;
/// The smallest tile; below it the grid scrolls.
const MIN_TILE: egui::Vec2 = egui::vec2(150.0, 96.0);
/// A tile's margin inside its outline.
const MARGIN: f32 = 10.0;

/// What a tile asks of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TileAction {
    /// The tile was clicked: select its board.
    Select(DeviceId),
    /// Flash this board again.
    Retry(DeviceId),
    /// Clear this board's result.
    Clear(DeviceId),
}

/// The fixture as the window knows it: without slots in the profile, the ports that had
/// a board this session, in port order, so that a tile keeps its place and size when its
/// board is taken out.
#[derive(Debug, Default)]
pub struct Fixture {
    seen: Vec<DeviceId>,
}

/// One place of the grid.
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    /// "Slot 3", or "Not in a slot" for a board at a port the profile does not name.
    pub name: String,
    /// The board at the place, if there is one (present, or its result kept).
    pub board: Option<&'a BoardRow>,
}

impl Fixture {
    /// The grid's places: the profile's `slots` (USB port paths in slot order) and then
    /// any board elsewhere; without slots, every port seen this session.
    pub fn cells<'a>(&mut self, registry: &'a Registry, slots: &[String]) -> Vec<Cell<'a>> {
        let rows = registry.rows();
        if !slots.is_empty() {
            let mut cells: Vec<Cell<'a>> = (slots.iter().enumerate())
                .map(|(i, path)| Cell {
                    name: t!("station-slot", number = i + 1),
                    board: rows.iter().find(|r| &r.device.id.path == path),
                })
                .collect();
            let mut elsewhere: Vec<&BoardRow> = (rows.iter())
                .filter(|r| !slots.contains(&r.device.id.path))
                .collect();
            elsewhere.sort_by(|a, b| port_order(&a.device.id).cmp(&port_order(&b.device.id)));
            cells.extend(elsewhere.into_iter().map(|row| Cell {
                name: t!("station-not-in-a-slot"),
                board: Some(row),
            }));
            return cells;
        }
        for row in rows {
            if !self.seen.contains(&row.device.id) {
                self.seen.push(row.device.id.clone());
            }
        }
        self.seen.sort_by_key(port_order);
        (self.seen.iter().enumerate())
            .map(|(i, id)| Cell {
                name: t!("station-slot", number = i + 1),
                board: registry.row(id),
            })
            .collect()
    }
}

/// A port path's place in order: `1-2` before `1-10`, then the source.
fn port_order(id: &DeviceId) -> (Vec<(u64, String)>, &'static str) {
    let parts = (id.path.split(['-', '.', ':']))
        .map(|part| (part.parse().unwrap_or(u64::MAX), part.to_owned()))
        .collect();
    (parts, id.source)
}

/// A grid: its columns and its tiles' size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    pub columns: usize,
    pub tile: egui::Vec2,
}

/// The grids for `n` equal tiles in `space`, one per number of columns: the largest
/// tiles that fit, neither too wide nor too tall ([`WIDEST`], [`TALLEST`]).
pub fn grids(n: usize, space: egui::Vec2) -> impl Iterator<Item = Grid> {
    let n = n.max(1);
    (1..=n).map(move |columns| {
        let lines = n.div_ceil(columns);
        let width = (space.x - GAP * (columns - 1) as f32) / columns as f32;
        let height = (space.y - GAP * (lines - 1) as f32) / lines as f32;
        let width = width.min(height * WIDEST);
        let height = height.min(width * TALLEST);
        Grid {
            columns,
            tile: vec2(width, height),
        }
    })
}

/// The grid for tiles holding `tiles` in `space` (for `room` tiles at least): the one
/// whose words can be largest, then whose tiles are largest. Where no grid holds every
/// tile's essential lines, the tiles grow (and the grid scrolls) so that nothing is cut.
fn grid(ui: &egui::Ui, tiles: &[(Look, Contents)], room: usize, space: egui::Vec2) -> (Grid, f32) {
    let mut best: Option<(Grid, Option<(bool, f32)>)> = None;
    for grid in grids(room, space) {
        if grid.tile.x < MIN_TILE.x || grid.tile.y < MIN_TILE.y {
            continue;
        }
        let scale = common_scale(ui, tiles, grid.tile - vec2(2.0, 2.0) * MARGIN);
        // Every line shown first, then the largest words, then the largest tiles.
        let key = |scale: Option<(bool, f32)>, tile: egui::Vec2| {
            let (full, scale) = scale.unwrap_or((false, 0.0));
            (scale > 0.0, full, scale, tile.x * tile.y)
        };
        let better = match &best {
            None => true,
            Some((b, b_scale)) => key(scale, grid.tile) > key(*b_scale, b.tile),
        };
        if better {
            best = Some((grid, scale));
        }
    }
    let (mut grid, scale) = best.unwrap_or((
        Grid {
            columns: 1,
            tile: vec2(space.x.max(MIN_TILE.x), MIN_TILE.y),
        },
        None,
    ));
    let scale = scale.map_or(MIN_SCALE, |(_, scale)| scale);
    let inner = grid.tile - vec2(2.0, 2.0) * MARGIN;
    let needed = (tiles.iter())
        .filter_map(|(_, contents)| measure(ui, contents, &Fit::bare(scale), inner.x))
        .fold(0.0, f32::max);
    grid.tile.y = grid.tile.y.max(needed + 2.0 * MARGIN);
    (grid, scale)
}

/// The grid of tiles, filling the space it is given. Every tile's words are drawn at one
/// scale, the largest at which each tile's essential lines fit; a tile adds its optional
/// lines where they fit too.
pub fn show(
    ui: &mut egui::Ui,
    cells: &[Cell<'_>],
    image: Option<&LoadedImage>,
    slots_fixed: bool,
) -> Option<TileAction> {
    let room = if slots_fixed {
        cells.len()
    } else {
        cells.len().max(MIN_CELLS)
    };
    let floor = Floor::of(ui.visuals());
    let tiles: Vec<(Look, Contents)> = (cells.iter())
        .map(|cell| match cell.board {
            None => empty_slot(&floor, &cell.name),
            Some(row) => board(&floor, &cell.name, row, image),
        })
        .collect();
    let (grid, scale) = grid(ui, &tiles, room, ui.available_size());
    let inner = grid.tile - vec2(2.0, 2.0) * MARGIN;
    let mut action = None;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing = vec2(GAP, GAP);
            let mut tiles = cells.iter().zip(&tiles);
            for _ in 0..cells.len().div_ceil(grid.columns) {
                ui.horizontal_top(|ui| {
                    for (cell, (look, contents)) in tiles.by_ref().take(grid.columns) {
                        let fit = Fit::at(ui, contents, scale, inner);
                        let drawn = (look, contents, &fit);
                        if let Some(asked) = tile(ui, cell, drawn, &floor, grid.tile) {
                            action = Some(asked);
                        }
                    }
                });
            }
        });
    action
}

/// What a tile's text is: its part in the tile, its size and colour.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    text: String,
    /// The size at full scale, in points.
    size: f32,
    colour: Color32,
    /// Wrapped to the tile's width (else kept on one line).
    wrap: bool,
    /// Left out first when the tile is small.
    optional: bool,
}

impl Line {
    fn new(text: impl Into<String>, size: f32, colour: Color32) -> Line {
        Line {
            text: text.into(),
            size,
            colour,
            wrap: true,
            optional: false,
        }
    }

    fn one_line(self) -> Line {
        Line {
            wrap: false,
            ..self
        }
    }

    fn optional(self) -> Line {
        Line {
            optional: true,
            ..self
        }
    }
}

/// A button on a tile.
#[derive(Debug, Clone, PartialEq)]
struct Button {
    text: String,
    hint: String,
    size: f32,
    /// The main action: large, white, outlined.
    main: bool,
    action: TileAction,
}

/// A tile's contents, top to bottom.
#[derive(Debug, Clone, Default, PartialEq)]
struct Contents {
    /// The slot's name and, beside it or under it, the board.
    title: Option<Line>,
    board: Option<Line>,
    lines: Vec<Line>,
    /// A flash's progress, drawn after the first line.
    bar: Option<f32>,
    buttons: Vec<Button>,
}

impl Contents {
    /// How many optional lines there are, the board's included.
    fn optional(&self) -> usize {
        usize::from(self.board.is_some()) + self.lines.iter().filter(|l| l.optional).count()
    }
}

/// Full-scale sizes of a tile's parts.
mod at {
    pub const TITLE: f32 = 28.0;
    pub const BOARD: f32 = 18.0;
    pub const RESULT: f32 = 60.0;
    pub const PERCENT: f32 = 50.0;
    pub const STATE: f32 = 36.0;
    pub const SAY: f32 = 21.0;
    pub const SMALL: f32 = 17.0;
    pub const MAIN_BUTTON: f32 = 22.0;
    pub const BUTTON: f32 = 16.0;
    pub const BAR: f32 = 18.0;
    pub const SPACING: f32 = 6.0;
}

/// The look of a tile: fill, outline and words.
struct Look {
    fill: Color32,
    edge: Stroke,
    dashed: bool,
    text: Color32,
}

fn tile(
    ui: &mut egui::Ui,
    cell: &Cell<'_>,
    (look, contents, fit): (&Look, &Contents, &Fit),
    floor: &Floor,
    size: egui::Vec2,
) -> Option<TileAction> {
    let sense = match cell.board {
        Some(_) => egui::Sense::click(),
        None => egui::Sense::hover(),
    };
    let (rect, response) = ui.allocate_exact_size(size, sense);
    let painter = ui.painter_at(rect.expand(2.0));
    painter.rect_filled(rect, 8.0, look.fill);
    if look.dashed {
        dashed_outline(&painter, rect, look.edge);
    } else {
        painter.rect_stroke(rect, 8.0, look.edge, StrokeKind::Inside);
    }
    let label = match cell.board {
        Some(row) => t!(
            "station-tile-name",
            slot = cell.name.as_str(),
            board = row_label(row)
        ),
        None => t!(
            "station-tile-name",
            slot = cell.name.as_str(),
            board = t!("station-empty-slot")
        ),
    };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ListItem, true, &label));
    let inner = rect.shrink(MARGIN);
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(inner)
            .layout(egui::Layout::top_down(egui::Align::Min))
            .id_salt(("tile", &cell.name, cell.board.map(|r| &r.device.id))),
    );
    child.set_clip_rect(rect);
    child.style_mut().interaction.selectable_labels = false;
    let asked = draw(&mut child, contents, look, floor, fit);
    // What a small tile leaves out is there on hovering it.
    let left_out: Vec<&str> = (contents.lines.iter())
        .filter(|line| !shown(contents, fit).contains(line))
        .map(|line| line.text.as_str())
        .collect();
    let response = if left_out.is_empty() {
        response
    } else {
        response.on_hover_text(left_out.join("\n"))
    };
    if asked.is_none()
        && response.clicked()
        && let Some(row) = cell.board
    {
        return Some(TileAction::Select(row.device.id.clone()));
    }
    asked
}

/// A dashed outline just inside `rect`.
fn dashed_outline(painter: &egui::Painter, rect: egui::Rect, stroke: Stroke) {
    let r = rect.shrink(1.0);
    let corners = [
        r.left_top(),
        r.right_top(),
        r.right_bottom(),
        r.left_bottom(),
    ];
    for i in 0..4 {
        let line = [corners[i], corners[(i + 1) % 4]];
        painter.extend(egui::Shape::dashed_line(&line, stroke, 10.0, 6.0));
    }
}

/// An empty slot: quiet, dashed, saying where the board goes.
fn empty_slot(floor: &Floor, name: &str) -> (Look, Contents) {
    let look = Look {
        fill: floor.page,
        edge: Stroke::new(2.0, floor.edge),
        dashed: true,
        text: floor.hint,
    };
    let contents = Contents {
        title: Some(Line::new(name, at::TITLE, floor.hint).one_line()),
        lines: vec![Line::new(t!("station-empty-slot"), at::STATE, floor.hint)],
        ..Contents::default()
    };
    (look, contents)
}

/// A board's tile: its state in a large word, the next step, its buttons.
fn board(
    floor: &Floor,
    name: &str,
    row: &BoardRow,
    image: Option<&LoadedImage>,
) -> (Look, Contents) {
    let device = &row.device;
    let plain = Look {
        fill: floor.tile,
        edge: Stroke::new(2.0, floor.edge),
        dashed: false,
        text: floor.text,
    };
    let (look, lines, bar, buttons) = match &row.state {
        BoardState::Done(Outcome::Pass { .. }) => {
            let text = floor.pass_text;
            let next = if row.present {
                t!("station-take-out-put-next")
            } else {
                t!("station-put-next")
            };
            let lines = vec![
                Line::new(format!("✔ {}", t!("station-pass")), at::RESULT, text).one_line(),
                Line::new(next, at::SAY, text),
            ];
            let look = Look {
                fill: floor.pass_fill,
                edge: Stroke::new(2.0, floor.pass_fill),
                dashed: false,
                text,
            };
            (look, lines, None, vec![clear(&device.id)])
        }
        BoardState::Done(Outcome::Fail(failure)) => {
            let text = floor.fail_text;
            let mut lines =
                vec![Line::new(format!("✖ {}", t!("station-fail")), at::RESULT, text).one_line()];
            let mut buttons = Vec::new();
            if row.present {
                lines.push(Line::new(failure_headline(failure), at::SAY, text).optional());
                match image {
                    Some(image) if image.fits(device) => buttons.push(Button {
                        text: t!("station-retry"),
                        hint: t!("station-retry-hint"),
                        size: at::MAIN_BUTTON,
                        main: true,
                        action: TileAction::Retry(device.id.clone()),
                    }),
                    Some(image) => lines.push(Line::new(
                        t!("window-wrong-chip", chip = image.made_for()),
                        at::SMALL,
                        text,
                    )),
                    None => {
                        lines.push(Line::new(t!("window-open-firmware-first"), at::SMALL, text))
                    }
                }
            } else if failure.code() == Code::DfuNotBackAfterDetach {
                lines.push(Line::new(t!("station-no-board-came-back"), at::STATE, text));
                let next = t!("station-no-board-came-back-next");
                lines.push(Line::new(next, at::SAY, text).optional());
            } else {
                lines.push(Line::new(t!("station-unplugged"), at::STATE, text).one_line());
                lines.push(Line::new(t!("station-unplugged-next"), at::SAY, text).optional());
                lines.push(Line::new(failure_headline(failure), at::SMALL, text).optional());
            }
            buttons.push(clear(&device.id));
            let look = Look {
                fill: floor.fail_fill,
                edge: Stroke::new(2.0, floor.fail_text),
                dashed: false,
                text,
            };
            (look, lines, None, buttons)
        }
        BoardState::Flashing(p) => {
            let percent = format!("{:.0}%", p.fraction() * 100.0);
            let mut lines = vec![
                Line::new(percent, at::PERCENT, floor.text).one_line(),
                Line::new(p.headline(), at::SMALL, floor.text).optional(),
            ];
            if let Some(eta) = p.eta {
                let seconds = eta.as_secs();
                let time = format!("{}:{:02}", seconds / 60, seconds % 60);
                lines.push(Line::new(
                    t!("window-time-left", time = time),
                    at::SMALL,
                    floor.text,
                ));
            }
            (plain, lines, Some(p.fraction()), Vec::new())
        }
        BoardState::Idle => {
            let fits = image.is_none_or(|image| image.fits(device));
            let lines = match image {
                Some(image) if !fits => vec![
                    Line::new(
                        format!("✖ {}", t!("station-cant-flash")),
                        at::STATE,
                        floor.fail_word,
                    )
                    .one_line(),
                    Line::new(
                        t!("window-wrong-chip", chip = image.made_for()),
                        at::SAY,
                        floor.text,
                    ),
                ],
                Some(_) => vec![
                    Line::new(
                        format!("▶ {}", t!("station-ready")),
                        at::STATE,
                        floor.ready_word,
                    )
                    .one_line(),
                ],
                None => vec![
                    Line::new(
                        format!("▶ {}", t!("station-ready")),
                        at::STATE,
                        floor.ready_word,
                    )
                    .one_line(),
                    Line::new(t!("window-open-firmware-first"), at::SAY, floor.text),
                ],
            };
            (plain, lines, None, Vec::new())
        }
    };
    let mut lines = lines;
    if let Some(unit) = &row.unit {
        let unit = Line::new(
            t!("station-unit", unit = unit.as_str()),
            at::SMALL,
            look.text,
        );
        lines.insert(1, unit);
    }
    let board = t!(
        "station-tile-board",
        chip = device.chip_name(),
        path = device.id.path.as_str()
    );
    let contents = Contents {
        title: Some(Line::new(name, at::TITLE, look.text).one_line()),
        board: Some(Line::new(board, at::BOARD, look.text).optional()),
        lines,
        bar,
        buttons,
    };
    (look, contents)
}

fn clear(id: &DeviceId) -> Button {
    Button {
        text: t!("station-clear"),
        hint: t!("station-clear-hint"),
        size: at::BUTTON,
        main: false,
        action: TileAction::Clear(id.clone()),
    }
}

/// The largest scale of a tile's words.
const MAX_SCALE: f32 = 1.5;
/// The smallest.
const MIN_SCALE: f32 = 0.3;
/// Every tile shows all its lines down to this scale; below, only the essential ones, as
/// large as they can be.
const FULL_SCALE: f32 = 0.65;
/// No word on a tile is smaller than this, in points.
const MIN_TEXT: f32 = 13.0;

/// How a tile's contents are laid out at one scale.
struct Fit {
    scale: f32,
    /// The board's line stands beside the title (else under it, or left out).
    board_beside: bool,
    /// How many of the optional lines are shown, the first first (the board's line is
    /// the first, where there is one).
    keep: usize,
}

impl Fit {
    /// Only the essential lines, at `scale`.
    fn bare(scale: f32) -> Fit {
        Fit {
            scale,
            board_beside: false,
            keep: 0,
        }
    }

    /// The fullest layout of `contents` at `scale` that fits `room`: with as many
    /// optional lines as fit (the board beside the title, else under it).
    fn at(ui: &egui::Ui, contents: &Contents, scale: f32, room: egui::Vec2) -> Fit {
        for keep in (0..=contents.optional()).rev() {
            for board_beside in [true, false] {
                let fit = Fit {
                    scale,
                    board_beside,
                    keep,
                };
                if measure(ui, contents, &fit, room.x).is_some_and(|h| h <= room.y) {
                    return fit;
                }
            }
        }
        Fit::bare(scale)
    }
}

/// The one scale of every tile's words in tiles of `room`, and whether every tile shows
/// all its lines at it: the largest scale at which they do, while that is at least
/// [`FULL_SCALE`]; else the largest at which every tile shows its essential lines;
/// `None` where even that does not fit.
fn common_scale(
    ui: &egui::Ui,
    tiles: &[(Look, Contents)],
    room: egui::Vec2,
) -> Option<(bool, f32)> {
    let all = |with_optional: bool| {
        (tiles.iter())
            .map(|(_, contents)| {
                let keep = if with_optional {
                    contents.optional()
                } else {
                    0
                };
                largest_scale(ui, contents, room, keep)
            })
            .try_fold(MAX_SCALE, |all, one| one.map(|one| all.min(one)))
    };
    match all(true) {
        Some(full) if full >= FULL_SCALE => Some((true, full)),
        _ => all(false).map(|bare| (false, bare)),
    }
}

/// The largest scale at which the lines of `contents` fit `room` with `keep` optional
/// lines, if any.
fn largest_scale(ui: &egui::Ui, contents: &Contents, room: egui::Vec2, keep: usize) -> Option<f32> {
    let steps = ((MAX_SCALE - MIN_SCALE) / 0.05).round() as usize;
    (0..=steps)
        .map(|i| MAX_SCALE - 0.05 * i as f32)
        .find(|&scale| {
            [true, false].into_iter().any(|board_beside| {
                let fit = Fit {
                    scale,
                    board_beside,
                    keep,
                };
                measure(ui, contents, &fit, room.x).is_some_and(|h| h <= room.y)
            })
        })
}

/// A line's size in points at scale `s`.
fn points(size: f32, s: f32) -> f32 {
    (size * s).max(MIN_TEXT)
}

/// The lines shown at `fit`: the essential ones, and the first `fit.keep` optional ones
/// (after the board's).
fn shown<'c>(contents: &'c Contents, fit: &Fit) -> Vec<&'c Line> {
    let mut optional = usize::from(contents.board.is_some());
    (contents.lines.iter())
        .filter(|line| {
            if !line.optional {
                return true;
            }
            optional += 1;
            optional <= fit.keep
        })
        .collect()
}

/// The board's line at `fit`, if shown.
fn board_line<'c>(contents: &'c Contents, fit: &Fit) -> Option<&'c Line> {
    contents.board.as_ref().filter(|_| fit.keep > 0)
}

/// The height of `contents` at `fit` in `width`, or `None` when a line is too wide.
fn measure(ui: &egui::Ui, contents: &Contents, fit: &Fit, width: f32) -> Option<f32> {
    let s = fit.scale;
    let size = |line: &Line| -> egui::Vec2 {
        let wrap = if line.wrap { width } else { f32::INFINITY };
        let font = egui::FontId::proportional(points(line.size, s));
        let galley = ui
            .painter()
            .layout(line.text.clone(), font, line.colour, wrap);
        galley.size()
    };
    let spacing = at::SPACING * s;
    let mut heights = Vec::new();
    let board = board_line(contents, fit);
    if let Some(title) = &contents.title {
        let t = size(title);
        if t.x > width {
            return None;
        }
        match board {
            Some(board) if fit.board_beside => {
                let b = size(&Line {
                    wrap: false,
                    ..board.clone()
                });
                if t.x + spacing * 2.0 + b.x > width {
                    return None;
                }
                heights.push(t.y.max(b.y));
            }
            Some(board) => {
                heights.push(t.y);
                heights.push(size(board).y);
            }
            None => heights.push(t.y),
        }
    }
    for (i, line) in shown(contents, fit).into_iter().enumerate() {
        let l = size(line);
        if l.x > width + 0.5 {
            return None;
        }
        heights.push(l.y);
        if i == 0 && contents.bar.is_some() {
            heights.push(bar_height(s));
        }
    }
    if !contents.buttons.is_empty() {
        let mut row = 0.0f32;
        let mut across = 0.0;
        for button in &contents.buttons {
            let b = button_size(ui, button, s);
            row = row.max(b.y);
            across += b.x + spacing * 2.0;
        }
        if across - spacing * 2.0 > width {
            return None;
        }
        heights.push(row);
    }
    let gaps = heights.len().saturating_sub(1) as f32 * spacing;
    Some(heights.iter().sum::<f32>() + gaps)
}

fn bar_height(s: f32) -> f32 {
    (at::BAR * s).max(10.0)
}

/// A button's inner padding at scale `s`.
fn button_padding(button: &Button, s: f32) -> egui::Vec2 {
    if button.main {
        vec2(18.0, 8.0) * s.max(0.6)
    } else {
        vec2(10.0, 4.0) * s.max(0.6)
    }
}

/// A button's size at scale `s`.
fn button_size(ui: &egui::Ui, button: &Button, s: f32) -> egui::Vec2 {
    let font = egui::FontId::proportional(points(button.size, s));
    let galley = (ui.painter()).layout_no_wrap(button.text.clone(), font, Color32::BLACK);
    galley.size() + button_padding(button, s) * 2.0
}

/// Draws `contents` into the tile's inner `ui` as `fit` says; returns a pressed button's
/// action.
fn draw(
    ui: &mut egui::Ui,
    contents: &Contents,
    look: &Look,
    floor: &Floor,
    fit: &Fit,
) -> Option<TileAction> {
    let s = fit.scale;
    ui.spacing_mut().item_spacing = vec2(at::SPACING * s * 2.0, at::SPACING * s);
    let label = |ui: &mut egui::Ui, line: &Line| {
        let text = RichText::new(&line.text)
            .size(points(line.size, s))
            .color(line.colour);
        let label = egui::Label::new(text);
        ui.add(if line.wrap {
            label.wrap()
        } else {
            label.extend()
        });
    };
    let board = board_line(contents, fit);
    if let Some(title) = &contents.title {
        match board {
            Some(board) if fit.board_beside => {
                ui.horizontal(|ui| {
                    label(ui, title);
                    label(
                        ui,
                        &Line {
                            wrap: false,
                            ..board.clone()
                        },
                    );
                });
            }
            Some(board) => {
                label(ui, title);
                label(ui, board);
            }
            None => label(ui, title),
        }
    }
    for (i, line) in shown(contents, fit).into_iter().enumerate() {
        label(ui, line);
        if i == 0
            && let Some(fraction) = contents.bar
        {
            progress_bar(ui, fraction, bar_height(s), floor);
        }
    }
    let mut action = None;
    if !contents.buttons.is_empty() {
        ui.horizontal(|ui| {
            for button in &contents.buttons {
                let text = RichText::new(&button.text).size(points(button.size, s));
                ui.spacing_mut().button_padding = button_padding(button, s);
                let widget = if button.main {
                    egui::Button::new(text.color(floor.fail_text))
                        .fill(Color32::WHITE)
                        .stroke(Stroke::new(2.0, look.text))
                } else {
                    egui::Button::new(text)
                };
                let size = button_size(ui, button, s);
                if ui
                    .add(widget.min_size(size))
                    .on_hover_text(&button.hint)
                    .clicked()
                {
                    action = Some(button.action.clone());
                }
            }
        });
    }
    action
}

/// A flash's progress: the bar in the accent colour, in an outlined track (readable on
/// the tile and in greyscale), with its value for screen readers.
fn progress_bar(ui: &mut egui::Ui, fraction: f32, height: f32, floor: &Floor) {
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), height), egui::Sense::hover());
    let painter = ui.painter();
    let radius = height / 2.0;
    painter.rect_filled(rect, radius, floor.track);
    let done = egui::Rect::from_min_max(
        rect.min,
        pos2(
            rect.left() + rect.width() * fraction.clamp(0.0, 1.0),
            rect.bottom(),
        ),
    );
    if done.width() > 0.0 {
        painter.rect_filled(done, radius, floor.bar);
    }
    painter.rect_stroke(
        rect,
        radius,
        Stroke::new(1.5, floor.edge),
        StrokeKind::Inside,
    );
    response.widget_info(|| egui::WidgetInfo {
        value: Some(f64::from(fraction) * 100.0),
        ..egui::WidgetInfo::new(egui::Role::ProgressIndicator)
    });
}

/// Station with no board and no slot: how to start, large. Without a file (and not
/// locked), an Open... button and a place to drop the file; then how to put a board in
/// download mode, with the picture. Returns whether Open... was pressed.
pub fn empty(ui: &mut egui::Ui, file_wanted: Option<Option<&str>>) -> bool {
    let mut open = false;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.set_max_width(ui.available_width().min(760.0));
                ui.add_space(12.0);
                if let Some(refusal) = file_wanted {
                    open = open_or_drop(ui, refusal);
                    ui.add_space(16.0);
                }
                let floor = Floor::of(ui.visuals());
                ui.add(
                    egui::Label::new(
                        RichText::new(t!("station-no-board-yet"))
                            .size(size::LARGE)
                            .color(floor.text),
                    )
                    .wrap(),
                );
                ui.add_space(8.0);
                super::help::download_mode_picture(ui);
            });
        });
    open
}

/// Open... and a place to drop the file, side by side. `refusal`: why Open... is off.
pub fn open_or_drop(ui: &mut egui::Ui, refusal: Option<&str>) -> bool {
    let floor = Floor::of(ui.visuals());
    let mut open = false;
    let height = 64.0;
    let (rect, _) =
        ui.allocate_exact_size(vec2(ui.available_width(), height), egui::Sense::hover());
    ui.painter().rect_filled(rect, 8.0, floor.tile);
    dashed_outline(ui.painter(), rect, Stroke::new(2.0, floor.edge));
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect.shrink(12.0))
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
    );
    let button = egui::Button::new(RichText::new(t!("window-open")).size(size::ACTION))
        .min_size(vec2(120.0, 40.0));
    open = child
        .add_enabled(refusal.is_none(), button)
        .on_hover_text(t!("window-open-hint"))
        .on_disabled_hover_text(refusal.unwrap_or_default())
        .clicked()
        || open;
    child.add(
        egui::Label::new(
            RichText::new(t!("window-drop-here"))
                .size(size::HEADING)
                .color(floor.text),
        )
        .wrap(),
    );
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_fill_the_room_with_equal_tiles_neither_too_wide_nor_too_tall() {
        for room in [vec2(970.0, 560.0), vec2(1346.0, 560.0), vec2(570.0, 360.0)] {
            for grid in grids(8, room) {
                let lines = 8usize.div_ceil(grid.columns) as f32;
                let columns = grid.columns as f32;
                let tile = grid.tile;
                assert!(
                    columns * tile.x + (columns - 1.0) * GAP <= room.x + 0.1,
                    "{room:?}: {grid:?}"
                );
                assert!(
                    lines * tile.y + (lines - 1.0) * GAP <= room.y + 0.1,
                    "{room:?}: {grid:?}"
                );
                assert!(tile.x <= tile.y * WIDEST + 0.1 && tile.y <= tile.x * TALLEST + 0.1);
            }
        }
    }

    #[test]
    fn ports_are_in_order() {
        let id = |path: &str| DeviceId {
            source: "usb",
            path: path.into(),
        };
        let mut ids = [id("1-10"), id("1-2"), id("1-1.3"), id("1-1.10"), id("2-1")];
        ids.sort_by_key(port_order);
        let paths: Vec<&str> = ids.iter().map(|id| id.path.as_str()).collect();
        assert_eq!(paths, ["1-1.3", "1-1.10", "1-2", "1-10", "2-1"]);
    }
}

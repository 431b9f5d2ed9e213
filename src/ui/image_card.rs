//! The image card: the file's verdict, facts, warnings and flash map; and the drop
//! highlight shown while a file hovers over the window.

use eframe::egui::{self, Color32, RichText, Sense, Stroke, StrokeKind, pos2, vec2};

use super::app::ImageState;
use super::status::{self, Tone};
use super::style::{FAIL, REGION_COLOURS, WARN, size};
use firmware::Region;
use i18n::t;
use station::advice::failure_headline;
use station::{LoadedImage, file_name};

/// The card (Desk, step 1). Returns whether "Open..." was clicked; `open_refusal` says
/// why it is off.
pub fn show(ui: &mut egui::Ui, image: &ImageState, open_refusal: Option<&str>) -> bool {
    let mut open = false;
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(t!("window-step-firmware")).size(size::HEADING));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let button = egui::Button::new(t!("window-open"));
                    open = ui
                        .add_enabled(open_refusal.is_none(), button)
                        .on_hover_text(t!("window-open-hint"))
                        .on_disabled_hover_text(open_refusal.unwrap_or_default())
                        .clicked();
                });
            });
            ui.add_space(4.0);
            match image {
                ImageState::None => drop_zone(ui),
                ImageState::Loading(path) => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(t!("window-checking", name = file_name(path)));
                    });
                }
                ImageState::Invalid { path, error } => {
                    ui.label(RichText::new(file_name(path)).monospace().strong());
                    let line = format!("{} {}", Tone::Fail.icon(), failure_headline(error));
                    ui.add(
                        egui::Label::new(
                            RichText::new(line).color(FAIL).strong().size(size::HEADING),
                        )
                        .wrap(),
                    );
                    egui::CollapsingHeader::new(t!("window-details"))
                        .id_salt("file_error_details")
                        .show(ui, |ui| {
                            ui.add(egui::Label::new(error.message()).wrap());
                            ui.add(egui::Label::new(station::advice::next_step(error)).wrap());
                            let code = t!("window-error-code", code = error.code().as_str());
                            ui.label(RichText::new(code).weak());
                        });
                }
                ImageState::Loaded(image) => loaded(ui, image),
            }
        });
    open
}

/// The empty file step: a drawn zone that says where the file goes.
fn drop_zone(ui: &mut egui::Ui) {
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), 90.0), Sense::hover());
    let stroke = Stroke::new(2.0, ui.visuals().weak_text_color());
    ui.painter()
        .rect_stroke(rect, 8.0, stroke, StrokeKind::Inside);
    let text = t!("window-drop-here");
    ui.painter().text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        &text,
        egui::FontId::proportional(size::HEADING),
        ui.visuals().text_color(),
    );
    ui.interact(rect, ui.scope_id().with("drop_zone"), Sense::hover()) // not for people: an egui id
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
}

fn loaded(ui: &mut egui::Ui, loaded: &LoadedImage) {
    let image = &loaded.image;
    ui.label(RichText::new(loaded.name()).monospace().strong());
    let chip = image
        .chip()
        .map_or_else(|| t!("window-any-chip"), |c| c.name().to_owned());
    ui.label(t!(
        "window-file-for-size",
        chip = chip,
        size = i18n::size(loaded.file.len() as u64),
    ));
    status::file(loaded).show(ui, size::HEADING);
    for warning in &image.warnings {
        let plain = station::advice::warning_headline(warning);
        ui.add(
            egui::Label::new(RichText::new(format!("{} {plain}", Tone::Warn.icon())).color(WARN))
                .wrap(),
        );
    }
    // Open or closed as the engineer left it (egui remembers it with the window).
    egui::CollapsingHeader::new(t!("window-details"))
        .id_salt("file_details")
        .show(ui, |ui| {
            egui::Grid::new("image_facts") // not for people: an egui id
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label(t!("window-sha256"));
                    ui.label(RichText::new(image.short_sha256()).monospace())
                        .on_hover_text(hex::encode(image.sha256));
                    ui.end_row();
                    ui.label(t!("window-flash-size"));
                    ui.label(
                        image
                            .flash_size
                            .map_or_else(|| t!("window-unknown"), |s| i18n::size(s.into())),
                    );
                    ui.end_row();
                });
            // The warnings as the file reader words them (product IDs, part names).
            for warning in &image.warnings {
                ui.add(egui::Label::new(RichText::new(warning.to_string()).weak()).wrap());
            }
            if !image.regions.is_empty() {
                ui.add_space(8.0);
                flash_map(ui, &image.regions, image.flash_size);
            }
        });
}

/// The chip's flash as a bar, each region drawn at its address; then a legend.
fn flash_map(ui: &mut egui::Ui, regions: &[Region], flash_size: Option<u32>) {
    let end = regions.iter().map(Region::end).max().unwrap_or(0);
    let size = flash_size
        .map_or(end.next_power_of_two(), u64::from)
        .max(end)
        .max(1);
    ui.label(RichText::new(t!("window-flash-map", size = i18n::size(size))).strong());
    let (bar, _) = ui.allocate_exact_size(vec2(ui.available_width(), 40.0), Sense::hover());
    let painter = ui.painter_at(bar);
    let visuals = ui.visuals();
    painter.rect_filled(bar, 4.0, visuals.extreme_bg_color);
    let x_at = |address: u64| bar.left() + bar.width() * (address as f64 / size as f64) as f32;
    for (i, region) in regions.iter().enumerate() {
        let colour = REGION_COLOURS[i % REGION_COLOURS.len()];
        let left = x_at(region.address.into());
        let right = x_at(region.end()).max(left + 3.0);
        let rect = egui::Rect::from_min_max(pos2(left, bar.top()), pos2(right, bar.bottom()));
        painter.rect_filled(rect, 2.0, colour);
        let galley = painter.layout_no_wrap(
            region.name.clone(),
            egui::FontId::proportional(12.0),
            Color32::WHITE,
        );
        if galley.size().x + 6.0 < rect.width() {
            painter.galley(rect.center() - galley.size() / 2.0, galley, Color32::WHITE);
        }
        let label = region_label(region);
        let response = ui
            .interact(rect, ui.scope_id().with(("region", i)), Sense::hover()) // not for people: an egui id
            .on_hover_text(region_details(region));
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
        if response.hovered() {
            painter.rect_stroke(
                rect,
                2.0,
                Stroke::new(2.0, visuals.strong_text_color()),
                StrokeKind::Inside,
            );
        }
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{:#x}", 0)).weak().monospace());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(RichText::new(format!("{size:#x}")).weak().monospace());
        });
    });
    egui::Grid::new("regions") // not for people: an egui id
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for (i, region) in regions.iter().enumerate() {
                let (swatch, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
                ui.painter()
                    .rect_filled(swatch, 2.0, REGION_COLOURS[i % REGION_COLOURS.len()]);
                ui.label(RichText::new(&region.name).monospace());
                ui.label(RichText::new(address(region.address.into())).monospace());
                ui.label(i18n::size(region.size.into()));
                ui.end_row();
            }
        });
}

/// A region in one line: `app.bin at 0x10000, 1.1 MiB`.
fn region_label(region: &Region) -> String {
    t!(
        "window-region",
        name = region.name.as_str(),
        address = format!("{:#x}", region.address),
        size = i18n::size(region.size.into()),
    )
}

/// A region's name, its addresses (`0x010000 - 0x120000`), size and parts.
fn region_details(region: &Region) -> String {
    t!(
        "window-region-details",
        name = region.name.as_str(),
        start = address(region.address.into()),
        end = address(region.end()),
        size = i18n::size(region.size.into()),
        count = region.parts.len(),
    )
}

/// An address in the flash, six hex digits: `0x010000`.
fn address(address: u64) -> String {
    format!("{address:#08x}")
}

/// A clear highlight over the whole window while a file hovers over it.
pub fn drop_highlight(ctx: &egui::Context) {
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop"), // not for people: an egui id
    ));
    let text = t!("window-drop-to-check");
    let rect = ctx.content_rect();
    let accent = ctx.global_style().visuals.selection.bg_fill;
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(150));
    painter.rect_stroke(
        rect.shrink(8.0),
        12.0,
        Stroke::new(4.0, accent),
        StrokeKind::Inside,
    );
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        &text,
        egui::FontId::proportional(32.0),
        Color32::WHITE,
    );
    // Painted text is invisible to screen readers: the drop zone is also a label.
    egui::Area::new(egui::Id::unique("drop_zone")) // not for people: an egui id
        .order(egui::Order::Foreground)
        .fixed_pos(rect.min)
        .interactable(false)
        .show(ctx, |ui| {
            ui.allocate_rect(rect, Sense::hover())
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
        });
}

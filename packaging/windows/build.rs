//! Windows only: the executables carry the app icon and a version resource (version,
//! product name and description from Cargo.toml). Nothing to do elsewhere.

fn main() {
    println!("cargo:rerun-if-changed=packaging/windows/build.rs");
    println!("cargo:rerun-if-changed=packaging/windows/dfu-station.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        let mut resource = winresource::WindowsResource::new();
        resource.set_icon("packaging/windows/dfu-station.ico");
        resource.set("ProductName", "DFU Station");
        if let Err(error) = resource.compile() {
            panic!("the Windows resource (icon, version) could not be built: {error}");
        }
    }
}

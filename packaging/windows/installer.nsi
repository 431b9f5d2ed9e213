; DFU Station installer (NSIS 3). Build on Windows after `cargo build --release --bins`,
; with the version from Cargo.toml (`bash packaging/version.sh`):
;   makensis /DVERSION=0.1.0 packaging\windows\installer.nsi
; It installs the app, Start-menu shortcuts (the window, a command prompt that finds
; dfu-station, the WinUSB driver guidance) and an uninstaller.
; Optional defines: EXE_DIR, the folder of the two executables (default
; ..\..\target\release; a cross build has them elsewhere), OUT_DIR, where the installer
; is written (default EXE_DIR), and TARGET, NSIS's target (default x86-unicode, the only
; one official NSIS builds have; check-installer.sh builds amd64-unicode, which Wine
; without its 32-bit half can run). From Linux: makensis -DVERSION=... -DEXE_DIR=...
Unicode true
!ifndef VERSION
  !error "Pass the version from Cargo.toml: makensis /DVERSION=x.y.z installer.nsi"
!endif
!ifndef EXE_DIR
  !define EXE_DIR "..\..\target\release"
!endif
!ifndef OUT_DIR
  !define OUT_DIR "${EXE_DIR}"
!endif
!ifdef TARGET
  Target ${TARGET}
!endif
!define APP "DFU Station"
!define APP_ID "io.github.dfu_station.DfuStation"
Name "${APP} ${VERSION}"
OutFile "${OUT_DIR}\dfu-station-${VERSION}-setup.exe"
InstallDir "$PROGRAMFILES64\${APP}"
RequestExecutionLevel admin
Icon "dfu-station.ico"
UninstallIcon "dfu-station.ico"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Install"
  ; A machine-wide install (Program Files, HKLM): shortcuts for every user, and the 64-bit
  ; registry, where 64-bit Windows looks for App Paths (an x86 installer would otherwise
  ; write under WOW6432Node).
  SetShellVarContext all
  SetRegView 64
  SetOutPath "$INSTDIR"
  ; dfu-station.exe is the console program (cmd and PowerShell wait for it and get its
  ; exit code); dfu-station-app.exe opens the window without a console, for shortcuts.
  File "${EXE_DIR}\dfu-station.exe"
  File "${EXE_DIR}\dfu-station-app.exe"
  File "dfu-station.ico"
  File "WinUSB-driver.txt"
  ; The bundled CJK font's licence travels with it (SIL OFL 1.1).
  File "/oname=NotoSansSC-OFL.txt" "..\..\assets\fonts\OFL.txt"
  ; Espressif's WinUSB driver for the ESP32-S2's DFU interface, its licence beside it; the
  ; signed catalogue only where it was put in driver\ (see driver\README.md).
  SetOutPath "$INSTDIR\driver"
  File "driver\esp32s2.inf"
  File /nonfatal "driver\esp32s2.cat"
  File "driver\LICENSE"
  SetOutPath "$INSTDIR"
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\dfu-station-app.exe" "" "$INSTDIR\dfu-station.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP} command prompt.lnk" "$SYSDIR\cmd.exe" \
    '/k "set PATH=$INSTDIR;%PATH% && dfu-station --help"' "$INSTDIR\dfu-station.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\WinUSB driver for ESP32 boards.lnk" "$INSTDIR\WinUSB-driver.txt"
  ; `dfu-station` from the Run box and from scripts that use ShellExecute.
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\App Paths\dfu-station.exe" "" "$INSTDIR\dfu-station.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}" "DisplayName" "${APP}"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}" "UninstallString" "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}" "DisplayIcon" "$INSTDIR\dfu-station.ico"
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  Delete "$INSTDIR\dfu-station.exe"
  Delete "$INSTDIR\dfu-station-app.exe"
  Delete "$INSTDIR\dfu-station.ico"
  Delete "$INSTDIR\WinUSB-driver.txt"
  Delete "$INSTDIR\NotoSansSC-OFL.txt"
  Delete "$INSTDIR\driver\esp32s2.inf"
  Delete "$INSTDIR\driver\esp32s2.cat"
  Delete "$INSTDIR\driver\LICENSE"
  RMDir "$INSTDIR\driver"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  RMDir /r "$SMPROGRAMS\${APP}"
  DeleteRegKey HKLM "Software\Microsoft\Windows\CurrentVersion\App Paths\dfu-station.exe"
  DeleteRegKey HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
SectionEnd

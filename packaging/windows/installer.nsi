; DFU Station installer (NSIS 3). Build on Windows after `cargo build --release --bins`,
; with the version from Cargo.toml (`bash packaging/version.sh`):
;   makensis /DVERSION=0.1.0 packaging\windows\installer.nsi
; It installs the app, Start-menu shortcuts (the window, a command prompt that finds
; dfu-station, the WinUSB driver guidance) and an uninstaller.
Unicode true
!ifndef VERSION
  !error "Pass the version from Cargo.toml: makensis /DVERSION=x.y.z installer.nsi"
!endif
!define APP "DFU Station"
!define APP_ID "io.github.dfu_station.DfuStation"
Name "${APP} ${VERSION}"
OutFile "..\..\target\release\dfu-station-${VERSION}-setup.exe"
InstallDir "$PROGRAMFILES64\${APP}"
RequestExecutionLevel admin
Icon "dfu-station.ico"
UninstallIcon "dfu-station.ico"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Install"
  SetOutPath "$INSTDIR"
  ; dfu-station.exe is the console program (cmd and PowerShell wait for it and get its
  ; exit code); dfu-station-app.exe opens the window without a console, for shortcuts.
  File "..\..\target\release\dfu-station.exe"
  File "..\..\target\release\dfu-station-app.exe"
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

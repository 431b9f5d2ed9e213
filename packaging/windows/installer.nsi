; DFU Station installer (NSIS 3). Build on Windows after `cargo build --release`:
;   makensis /DVERSION=0.1.0 packaging\windows\installer.nsi
; It installs the app, a Start-menu shortcut, and the WinUSB driver guidance.
Unicode true
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!define APP "DFU Station"
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
  File "..\..\target\release\dfu-station.exe"
  File "dfu-station.ico"
  File "WinUSB-driver.txt"
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\dfu-station.exe" "" "$INSTDIR\dfu-station.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\WinUSB driver for ESP32 boards.lnk" "$INSTDIR\WinUSB-driver.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}" "DisplayName" "${APP}"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}" "UninstallString" "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}" "DisplayIcon" "$INSTDIR\dfu-station.ico"
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\dfu-station.exe"
  Delete "$INSTDIR\dfu-station.ico"
  Delete "$INSTDIR\WinUSB-driver.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  RMDir /r "$SMPROGRAMS\${APP}"
  DeleteRegKey HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
SectionEnd

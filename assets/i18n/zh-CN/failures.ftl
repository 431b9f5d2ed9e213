# 失败：用操作员的话说出了什么问题（failure-*），以及下一步怎么做（advice-*）。
# 每个失败代码一条标题、一条建议（由 src/advice.rs 按代码选择）。
# 代码（`wrong-chip`）、命令、路径和 udev 规则保持原样，不翻译。

## 标题：窗口首先显示的一句话，后接下一步。

failure-file-damaged = 文件已损坏。请重新获取一份。
failure-file-too-short = 文件太短，不是固件。请选择正确的文件。
failure-not-firmware = 这不是这些板子的固件文件。请向工程师索取 dfu.bin。
failure-file-built-wrong = 文件生成有误。请让工程师重新生成。
failure-not-dfu-bin-yet = 这还不是 dfu.bin。请先用它生成 dfu.bin。
failure-file-unreadable = 无法读取文件。请检查文件所在的磁盘是否已连接。
failure-station-file-changed = 工位的固件文件已被改动。请把板子放到一边，并联系工程师。
failure-usb-unavailable = 这台电脑上的 USB 无法使用。请联系工程师。
failure-no-board = 未找到板子。请让板子进入下载模式。
failure-several-boards = 有多块板子符合条件。请选择其中一块。
failure-board-named-wrong = 板子的写法不对。请检查命令。
failure-wrong-chip = 此文件适用于其他芯片。请换用正确的文件或板子。
failure-cannot-open-board = 无法打开板子。请关闭其他烧录程序，然后重新插拔板子。
failure-log-not-writable = 无法写入生产记录。请修复记录文件夹后再继续。
failure-board-data-mistakes = 每板数据有错误。请让工程师修改数据文件。
failure-no-place-for-board-data = 文件中没有存放每板数据的分区。请向工程师索取正确的文件。
failure-no-board-data-left = 每板数据已用完。请把板子放到一边，并联系工程师。
failure-journal-not-writable = 无法写入每板数据的分配记录。请修复记录文件夹后再继续。
failure-journal-refused = 每板数据的分配记录与本工位不符。请联系工程师。
failure-board-data-not-prepared = 无法为这块板子准备数据。请把板子放到一边，并联系工程师。
failure-line-unreachable = 无法连接产线数据库。请检查网络；带每板数据的板子会等到数据库恢复响应。
failure-line-refused = 产线数据库不接受本工位。请联系工程师。
failure-board-refused-firmware = 板子拒绝了固件。请确认文件适用于这块板子，然后重新烧录。
# 固件写入后板子报告 errVERIFY（代码为 dfu-device-error）：问题在板子，不在文件。
failure-board-did-not-keep = 板子没有保存住写入的内容。请重新烧录；如果再次失败，请把板子放到一边。
failure-connection-broke = 与板子的连接断开了。请检查数据线，然后重新烧录。
failure-board-stopped-answering = 板子没有正常响应。请在下载模式下重新插拔，然后重新烧录。
failure-board-too-slow = 板子响应超时。请在下载模式下重新插拔，然后重新烧录。
failure-not-in-download-mode = 板子不在下载模式。请让它进入下载模式，然后重新烧录。
failure-board-not-back = 板子没有重新连上。请检查数据线，然后重新烧录。
failure-flashing-stopped = 烧录已中止。这块板子使用前请重新烧录。
failure-internal-error = DFU Station 出错了。请重新烧录，并发送支持报告。

# libusb 无法启动时 USB 层的说明（$reason：libusb 的原话）。
failure-usb-not-available = 这台电脑上无法使用 USB（libusb 无法启动：{ $reason }），看不到任何板子

## 建议：更详细的下一步（命令行把它印在错误下面）。

advice-download-mode = 让板子进入下载模式：按住 BOOT 键，按一下 RESET 键，再松开 BOOT 键。
advice-download-mode-and-data-cable = { advice-download-mode }请使用数据线（不要用只能充电的线），然后重试。
advice-download-mode-then-flash = { advice-download-mode }然后重新烧录。
advice-check-file-picked = 请确认选对了文件，并且文件已完整复制。
advice-build-dfu-bin = ESP32-S2/S3 板子请用 `idf.py dfu` 生成 dfu.bin。
advice-fresh-copy = 请重新获取一份文件（它在生成后被截断或改动过），然后再次打开。
advice-rebuild = 请用 `idf.py dfu`（或 `dfu-station pack`）重新生成文件，然后再次打开。
advice-shorter-part-names = 请缩短各部分的名称，然后重新生成文件。
advice-fix-addresses = 请修正各部分的地址，然后重新生成文件。
advice-fit-flash-size = 请按板子的闪存大小生成镜像（`--flash-size`），或移动该部分的地址。
advice-make-dfu-bin = 请用它生成 dfu.bin（在其工程中运行 `idf.py dfu`，或用 `dfu-station pack`），然后打开生成的文件。
advice-check-file-readable = 请确认文件存在、有权限读取，并且文件所在的磁盘已连接。
advice-locked-file-changed = 请把板子放到一边，并联系工程师：锁定的文件需要重新保存。
advice-check-usb-support = 请确认这台电脑支持 USB（Linux 上需有 /dev/bus/usb）。其他功能照常可用。
advice-choose-one-board = 请按端口路径（-p）或序列号（-S）选择一块板子。
advice-write-vid-pid = 请用十六进制的 VID:PID 指定板子，例如 303a:0002。
advice-use-file-for-chip = 请使用为这块板子的芯片生成的文件（先 `idf.py set-target`，再 `idf.py dfu`），或插上该文件对应的板子。
advice-check-cable-and-programs = 请检查数据线，并确认没有其他程序在使用这块板子，然后重新烧录。
advice-fix-log-folder = 请腾出磁盘空间或修复记录文件夹的权限（或另选文件夹）；记录写入后烧录会继续。
advice-fix-listed-rows = 请修正列出的每一行（`dfu-station provision check CONFIG VALUES` 会列出它们），然后重新加载生产配置。
advice-add-nvs-partition = 请用含有生产配置所指 NVS 数据分区（type data，subtype nvs）的分区表生成 dfu.bin，或在生产配置中指定其他分区。
advice-ask-for-new-rows = 请把板子放到一边，并向工程师索取含新行的数据文件（以及新的记录文件夹）。
advice-fix-journal-folder = 请腾出磁盘空间或修复记录文件夹的权限，然后重新开始；已分配的行不会再分配。
advice-use-journal-values = 请使用分配记录开始时所用的数据文件，或换一个记录文件夹；如果分配记录已损坏，请联系工程师。
advice-check-row = 请用 `dfu-station provision check CONFIG VALUES` 检查这一行，并联系工程师；这一行已用掉，不会再分配。
advice-line-unreachable = 请检查网络和数据库服务器。数据库恢复响应后，正在运行的工位会自动继续，并补发其间保存的记录；未能启动的工位需要重新启动。
advice-line-refused = 请检查生产配置中的 [line] store、密码（DFU_STATION_LINE_PASSWORD、password_env 或 password_file）以及数据库的结构版本（`dfu-station line init`），然后重新开始。
advice-check-file-for-board = 请确认文件适用于这块板子，然后重新烧录。
advice-flash-again-then-set-aside = 请重新烧录这块板子。如果再次同样失败，请把它放到一边：它的闪存可能有故障。
advice-replug = 请拔下并重新插上板子，让它进入下载模式，然后重新烧录。
advice-check-cable-and-permissions = 请检查数据线以及 USB 权限或驱动，然后重新烧录。
advice-flash-partial-board-again = 板子上可能只有部分镜像：使用前请重新烧录。
advice-send-support-report = 请重新烧录这块板子，并发送支持报告（帮助），以便修复这个问题。

## 说明修复方法的 USB 错误：每个系统一条。

# Linux：$rule 是 udev 规则，$path 是规则文件（都原样显示）；
# {"  "} 让规则缩进两格（行首占位符前的空格会被去掉）。
advice-install-udev-rule =
    让当前用户可以打开乐鑫板子：把下面这一行
    {"  "}{ $rule }
    写入 { $path }，运行 `sudo udevadm control --reload && sudo udevadm trigger`，然后拔下并重新插上板子。
# Windows。
advice-install-winusb = 请用 Zadig 为板子的 DFU 接口（接口 2，即没有驱动的那个）安装 WinUSB 驱动，或安装乐鑫的 USB 驱动，然后拔下并重新插上板子。
# macOS 及其他系统。
advice-access-refused = 系统拒绝访问：请确认板子的 DFU 接口没有被其他驱动占用，并且当前用户有权使用 USB 设备，然后重新插拔板子。
advice-no-driver = 没有驱动让程序打开板子的 DFU 接口：请确认它没有被其他驱动占用，然后重新插拔板子。
advice-board-busy = 另一个程序正占用这块板子（dfu-util、idf.py、串口监视器或另一个 DFU Station）：请关闭它，然后重试。
advice-board-gone = 板子已被拔下或重启了。请检查数据线。{ advice-download-mode }然后重试。

## 文件的警告：窗口在“有效，N 条警告”下显示的内容。先用一句平实的话说明，再说该做什么；
## 技术细节（产品 ID、文件名）放在“详情”里。

warning-any-chip = 文件没有注明适用于哪种芯片。请确认它是这块板子的正确文件。
warning-unknown-chip = 文件适用的芯片 DFU Station 不认识。请向工程师确认它是否适用于这块板子。
warning-no-flash-size = 文件没有注明板子的闪存大小，无法核对是否装得下。仍然可以烧录。
warning-long-erase = 固件的一部分会一次性擦除，烧录时可能看起来停顿一段时间。请耐心等待，不要拔下板子。
warning-extra-data = 文件末尾有板子会忽略的多余数据。如有疑问，请向工程师要一份干净的构建。
warning-nothing-to-flash = 文件中没有要写入的内容：烧录它不会改变任何东西。请向工程师要正确的文件。

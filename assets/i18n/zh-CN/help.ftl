# help：帮助面板、各个主题、图示、“生成 dfu.bin...”和“安装规则”。
# 术语见 common.ftl。Zadig、ESP-IDF 安装程序只有英文界面：其中的选项名保留英文。
# 变量：$path、$command（命令行文本，不翻译）、$name（文件名）、$board（USB 端口路径，如 1-1）、
# $chip、$address（十六进制）、$seconds、$reason、$error。

## 面板

help-button = 帮助
help-button-hint = 找不到板子或烧录失败时怎么办
help-heading = 帮助
help-close = 关闭
help-close-hint = 关闭帮助
help-all-topics = 全部主题
help-list-intro = 选择你遇到的情况：
help-support-report = 保存支持报告...
help-support-report-hint = 生成一个文件，发给为你提供帮助的人：包含版本信息、板子的信息、最近几次烧录的详细过程和本次运行的日志（不含固件和 PIN 码）
help-demo-heading = 无需硬件试用
help-demo-plug = 插入模拟的 { $chip }
help-demo-plug-hint = 模拟的板子，烧录过程与真实板子相同

## 主题里的按钮

help-copy-rule = 复制规则
help-copy-rule-hint = 把 udev 规则复制到剪贴板
help-install-rule = 安装规则
help-install-rule-hint = 添加让你能打开板子的设置（需输入密码）
help-install-rule-off-hint = 仅限 Linux，一次只能运行一个
help-make-dfu-bin = 生成 dfu.bin...
help-make-dfu-bin-hint = 把程序打包成同目录下的 dfu.bin，然后打开它
help-make-dfu-bin-off-hint = 请先把程序文件拖到窗口上

## 主题自动打开的原因

help-context-raw-app = { $name } 是程序本身，不是 dfu.bin。
help-context-failure = 板子 { $board }：{ $reason }
help-context-wrong-chip = 此文件是为 { $file_chip } 生成的，但这块板子是 { $board_chip }。
help-context-no-board = { $seconds } 秒内没有出现任何板子。
help-context-still-no-board = 仍然没有板子：如果是自制板子，请检查 USB 接线。
help-context-s3-missing = { $name } 用于 ESP32-S3，但 { $seconds } 秒内没有出现任何 ESP32-S3。
help-context-erasing-index = 板子 { $board } 正在擦除文件索引...
help-context-erasing-part = 板子 { $board } 正在擦除 { $part }...
help-context-erasing-part-size = 板子 { $board } 正在擦除 { $part }（{ $size }）...

## 主题：标题、先做什么、原因、步骤


help-no-board-title = 找不到板子
help-no-board-first = 让板子进入下载模式，再用数据线连接电脑。
help-no-board-why = 只有板子处于下载模式，并且用能传输数据的线连接时，DFU Station 才能识别到它。
help-no-board-data-cable = 请使用数据线：很多 USB 线只能充电。如果板子亮了却没出现在列表中，请换一根线。
help-no-board-port = 把板子直接插到电脑或带电源的 USB 集线器上，或换一个 USB 口。不带电源的集线器经常出问题。
help-no-board-custom = 自制板子？请检查它的 USB 接线（帮助：自制板子）。

help-wiring-title = 自制板子：检查 USB 接线
help-wiring-first = 把这块板子放到一边，请工程师检查它的 USB 接线。
help-wiring-why = ESP32-S2 和 ESP32-S3 的 USB 在固定引脚上。D+ 和 D- 接反或断开时，电脑完全看不到板子。
help-wiring-pins = D+ 接 GPIO20，D- 接 GPIO19，GND 接 GND。
help-wiring-colours = USB 线中，绿线是 D+，白线是 D-，红线是 +5 V，黑线是 GND。
help-wiring-swap = 有的线颜色不同，或绿线和白线是反的：如果看不到板子，把 D+ 和 D- 对调。
help-wiring-power = +5 V 要接到板子的稳压器，切勿直接接到 3.3 V 引脚。

help-linux-access-title = Linux：没有打开板子的权限
help-linux-access-first = 点击下方的“{ help-install-rule }”（或请工程师操作），然后重新插拔板子。
help-linux-access-why = 这台电脑目前还不允许你打开这些板子。添加一项设置即可一劳永逸：输入密码后，DFU Station 会替你添加。
help-linux-access-install = 点击“{ help-install-rule }”，按提示输入密码。
help-linux-access-replug = 拔下板子再插上，然后重新烧录。
help-linux-access-engineer-why = 没有 udev 规则放行时，Linux 只允许 root 打开 USB 设备。DFU Station 从不以 root 身份运行：一条规则即可让当前登录的用户打开乐鑫的板子（USB 厂商 ID 303a）。
help-linux-access-engineer-install = “{ help-install-rule }”通过 pkexec 把规则写入 { $path }，并重新加载 udev。
help-linux-access-by-hand = 也可以复制规则，自己写入该文件，然后运行：{ $command }
help-linux-access-plugdev-comment = # 或者用 ESP-IDF 的规则，适用于 plugdev 组的成员：

help-windows-driver-title = Windows：板子需要安装 USB 驱动
help-windows-driver-first = DFU Station 显示“{ driver-install }”时，点击它；否则请工程师安装驱动（步骤见“{ help-for-engineer }”），然后重新插拔板子。
help-windows-driver-why = 板子用于烧录的连接在安装驱动之前，Windows 无法使用。DFU Station 会自动检查，并说明这块板子需要什么。
help-windows-driver-press = DFU Station 显示“{ driver-install }”时点击它，Windows 请求权限时选择“是”。
help-windows-driver-replug = 重新插拔板子，它就会出现在 DFU Station 中。
help-windows-driver-engineer-why = Windows 不会给板子的 DFU 接口（下载模式下的接口 2）装任何驱动，而程序只能通过该接口上的 WinUSB 烧录板子。macOS 无需驱动。
help-windows-driver-espressif = ESP32-S2：“{ driver-install }”只在接口 2 上安装乐鑫签名的 WinUSB 驱动；Windows 会先请求权限。
help-windows-driver-s3 = ESP32-S3：乐鑫没有为它发布签名驱动，所以要用 Zadig 安装 WinUSB，步骤如下（ESP32-S2 也可以这样做）。
help-windows-driver-zadig = 让板子进入下载模式，启动 Zadig（zadig.akeo.ie），选择 Options > List All Devices。
help-windows-driver-pick = 选择“ESP32-S2 (Interface 2)”（或“ESP32-S3 (Interface 2)”），选中 WinUSB，然后点击 Install Driver。
help-windows-driver-serial = 不要替换接口 0 和接口 1 的驱动：它们是板子的串口。
help-windows-driver-wrong = 接口 2 上装错的驱动（libusb0、usbser，DFU Station 会指出）要先卸载：在设备管理器中“卸载设备”，并勾选“尝试删除此设备的驱动程序”（或以管理员身份运行 pnputil /delete-driver oemNN.inf /uninstall），然后重新插拔板子。

help-s3-title = ESP32-S3：板子始终不出现
help-s3-first = 换一块 ESP32-S3 板子试试；如果都不出现，把它们放到一边，请工程师处理。
help-s3-why = 很多 ESP32-S3 板子在设计时就决定了不能通过这个 USB 连接烧录，在工位上无法改变。
help-s3-another = 换一块同型号的 ESP32-S3 板子试试。
help-s3-set-aside = 如果都不出现，把它们放到一边，请工程师处理。
help-s3-engineer-why = ESP32-S3 的 USB 引脚连接的是 USB-Serial-JTAG，而不是 ROM 的 DFU 所需的 USB-OTG 控制器。
help-s3-phy = 只有烧写了 USB_PHY_SEL eFuse（把内部 PHY 交给 USB-OTG），或板子上有外部 USB PHY 时，DFU 才能使用。
help-s3-efuse = 烧写 eFuse 不可撤销，曾让板子变砖：这件事请交给硬件工程师决定。DFU Station 从不烧写 eFuse。
help-s3-date-code = 日期代码早于 2219 的芯片完全无法通过 USB-OTG 下载。
help-s3-security = 安全启动、闪存加密和安全下载模式都会关闭 DFU。
help-s3-serial = 否则，请通过串口烧录这些板子（esptool）。

help-not-back-title = 烧录途中板子没有重新连上
help-not-back-first = 让板子进入下载模式后重新插上，然后重新烧录。
help-not-back-why = 烧录时，板子会重启一次，并须在 10 秒内重新连上电脑。这次它没有连上。
help-not-back-port = 把板子插到另一个 USB 口，直接连电脑。
help-not-back-cable = 重新烧录。如果仍然失败，请换一根数据线。
help-not-back-engineer = DETACH 之后 ROM 会重启进入 DFU 模式；DFU Station 在同一 USB 端口路径上等待它重新枚举，最多 10 秒。集线器重新枚举太慢，或数据线在重启时断开，都会错过。

help-long-erase-title = 正在擦除：板子在忙，没有卡住
help-long-erase-first = 请等待：板子正在擦除，不要拔下。
help-long-erase-why = 板子在写入固件的每一段之前，先擦除这一段：期间进度条不动。
help-long-erase-wait = 请等待：擦除一段要几秒钟，大文件要几十秒。
help-long-erase-hands-off = 擦除时不要拔下板子，也不要按 RESET 键。
help-long-erase-moves = 一开始写入，进度条就会继续前进。
help-long-erase-engineer = ESP ROM 在收到携带某一段第一个数据块的 DNLOAD 时擦除这一段（最大为 dfu.bin 的分段大小，默认 512 KiB），擦除完成后才应答。DFU Station 对每一段最多等待其擦除时限（擦除时会显示），超时则判为烧录失败。

help-raw-app-title = 这个文件还不是 dfu.bin
help-raw-app-first = 向工程师要 dfu.bin，或点击下方的“{ help-make-dfu-bin }”。
help-raw-app-why = 这个文件只是程序本身。板子需要的是 dfu.bin，其中还写明了固件每一部分放在哪里：直接烧录这个程序会让板子无法使用。
help-raw-app-press-make = 点击“{ help-make-dfu-bin }”：DFU Station 会在同一目录下把程序打包成 dfu.bin，并打开它。
help-raw-app-drop = 或者把工程师给你的 dfu.bin 拖到本窗口上。
help-raw-app-engineer-why = 该文件以 0xE9 开头（ESP 应用程序镜像），没有 DFU 后缀。ROM 需要的是 dfu.bin，其中写明了每个文件的烧录地址和校验和。
help-raw-app-make = “{ help-make-dfu-bin }”把应用程序放在 { $address }；如果板子上还没有引导加载程序和分区表，请一并添加。
help-raw-app-idf = 或者在 ESP-IDF 工程目录中运行 { $command }：它会生成 { $path }。

help-wrong-chip-title = 该文件是为另一种芯片生成的
help-wrong-chip-first = 换一块与文件芯片相符的板子，或向工程师要正确的文件。
help-wrong-chip-why = dfu.bin 中写明了它所针对的芯片。换到其他芯片上无法启动，所以 DFU Station 不会烧录。
help-wrong-chip-check = 在列表中查看板子的芯片（ESP32-S2 或 ESP32-S3）。
help-wrong-chip-select = 选择芯片与文件相符的板子，或向工程师索取为这块板子的芯片生成的 dfu.bin。
help-wrong-chip-rebuild = 为这块板子的芯片生成 dfu.bin：先运行 { $target_command }，再运行 { $dfu_command }。

help-press-reset-title = 烧录完成：按 RESET 键启动新固件
help-press-reset-first = 按一下板子上的 RESET 键，启动新固件。
help-press-reset-why = 烧录完成后，板子仍停在下载模式：重启之前，新固件不会运行。
help-press-reset-press = 按一下板子上的 RESET（EN）键，不要按住 BOOT 键。
help-press-reset-replug = 或者拔下板子再插上。

help-busy-title = 板子被另一个程序占用
help-busy-first = 关闭其他烧录程序，然后重新烧录。
help-busy-why = 同一时间只能有一个程序使用一块板子。
help-busy-close = 关闭其他烧录程序、串口监视器和其他 DFU Station 窗口。
help-busy-again = 重新烧录。如果板子仍被占用，请拔下再插上。
help-busy-engineer = 会占用板子 DFU 接口的程序：dfu-util、idf.py（dfu-flash、monitor）、串口监视器、另一个 DFU Station。

help-usb-unavailable-title = USB 无法启动
help-usb-unavailable-first = 把板子放到一边，请工程师处理：这台电脑上的 USB 无法使用。
help-usb-unavailable-why = DFU Station 无法启动 USB，所以无法列出板子。检查文件和模拟板子仍可使用。
help-usb-unavailable-restart = 工程师解决后，重新启动 DFU Station。
help-usb-unavailable-check = DFU Station 无法启动 libusb。在 Linux 上，检查 { $path } 是否存在；如果在容器或沙盒中运行，请允许本程序访问 USB 设备。

## 主题的技术细节，默认折叠

help-for-engineer = 给工程师看的细节

## 图示：屏幕阅读器读出的说明，以及图中的文字

help-picture-download-mode = 图示：开发板上的 BOOT 键和 RESET 键。1：按住 BOOT 键。2：按一下 RESET 键。3：松开 BOOT 键。
help-picture-reset = 图示：开发板；按一下 RESET 键，不按 BOOT 键。
help-picture-wiring = 图示：USB 线接到芯片。红线 +5 V，白线 D- 接 GPIO19，绿线 D+ 接 GPIO20，黑线 GND。看不到板子时，对调 D+ 和 D-。
help-picture-hold-boot = 1. 按住 BOOT
help-picture-tap-reset = 2. 按一下 RESET
help-picture-release-boot = 3. 松开 BOOT
help-picture-press-reset = 按一下 RESET 键
# 板子上的丝印：与真实板子一致，保留英文。
help-picture-module = ESP32
help-picture-boot-button = BOOT
help-picture-reset-button = RESET
help-picture-usb-plug = USB
help-picture-wire-red = 红线
help-picture-wire-white = 白线
help-picture-wire-green = 绿线
help-picture-wire-black = 黑线
help-picture-pin-power = +5 V
help-picture-pin-d-minus = D-  GPIO19
help-picture-pin-d-plus = D+  GPIO20
help-picture-pin-ground = GND
help-picture-swap-hint =
    看不到板子
    就对调

## “生成 dfu.bin”对话框

help-make-window-title = 生成 dfu.bin
help-make-chip = 芯片
help-make-app = 应用程序
help-make-bootloader = 引导加载程序
help-make-partition-table = 分区表
help-make-writes = 输出文件
help-make-file-at = { $name }，地址 { $address }
help-make-no-file-at = 无，地址 { $address }
help-make-pick-bootloader = 选择引导加载程序
help-make-pick-partition-table = 选择分区表
help-make-choose = 选择...
help-make-remove = 移除
help-make-hint = 如果板子上还没有引导加载程序和分区表，请一并添加。
help-make-no-file-dialog = ⚠ 无法显示文件对话框：{ $reason } 请安装文件对话框服务（XDG 桌面门户或 zenity）。
help-make-replace-and-load = 替换并加载
help-make-and-load = 生成并加载
help-make-exists = { $name } 已存在。点击“{ help-make-replace-and-load }”将其覆盖。

## “安装规则”：pkexec

help-install-running = 正在安装：请在密码对话框中确认...
help-install-done = 规则已安装。请拔下板子再插上，然后重新烧录。
help-install-no-pkexec = 未安装：无法启动 pkexec（{ $error }）。请手动安装规则。
help-install-refused = 未安装：密码对话框被取消，或密码错误。
help-install-failed = 未安装：{ $error }

# 工位：板子磁贴和槽位、生产记录视图、生产设置及其锁定、会话日志，以及窗口和命令行共用的
# 板子状态词和烧录阶段。术语见 common.ftl。
# 变量：$path（USB 端口路径如 1-2，或文件）、$chip（ESP32-S2）、$part（app.bin）、
# $seconds（数字）、$count（数字）、$code（wrong-chip，保持英文）。

## 板子状态和烧录阶段

station-ready = 就绪
# 结果词在磁贴上以大字显示，要短。
station-pass = 通过
station-fail = 失败
station-cancelled = 已取消
station-cant-flash = 无法烧录
station-unplugged = 已拔出
station-download-mode = 下载模式
station-press-reset = 按板子上的 RESET 键，启动新固件。
station-phase-preparing = 正在准备
# 板子从运行接口切换到 DFU 模式。
station-phase-detaching = 正在切换模式
station-phase-waiting = 正在等待板子
# 分段文件中的一段（$file：app.bin；$number 从 1 开始）：代替归档中的名称（app.bin.1）。
station-part-of = { $file } 第 { $number }/{ $count } 段
station-phase-erasing-index = 正在擦除文件索引
station-phase-erasing-part = 正在擦除 { $part }
station-phase-erasing-index-limit = 正在擦除文件索引（最多 { $seconds } 秒）
station-phase-erasing-part-limit = 正在擦除 { $part }（最多 { $seconds } 秒）
station-phase-writing-index = 正在写入文件索引
station-phase-writing-part = 正在写入 { $part }
# DFU 的最后一步：板子接收固件。
station-phase-manifesting = 正在收尾
station-phase-done = 完成

## 工位视图的磁贴

station-no-board-yet = 还没有板子。请插入板子。{ advice-download-mode }
station-slot = 槽位 { $number }
station-tile-name = { $slot }：{ $board }
station-tile-board = { $chip } · USB { $path }
station-unit = 单元编号 { $unit }
station-retry = 重试
station-retry-hint = 重新烧录这块板子
station-clear = 清除
station-clear-hint = 清除这个结果

## 生产记录视图（记录文件本身保持英文）

station-no-log-folder = 未选择记录文件夹
station-open-folder = 打开文件夹
station-open-folder-hint = 在文件管理器中显示 JSONL 和 CSV 文件
station-choose-folder = 选择文件夹…
station-choose-folder-hint = 生产记录写入的位置
station-log-folder-title = 生产记录文件夹
station-no-folder-dialog = ⚠ 这台电脑无法显示选择文件夹的对话框：请安装文件对话框服务（XDG 桌面门户或 zenity），或用指定了文件夹的生产配置启动 DFU Station。{ $why }
station-column-time = 时间（UTC）
station-column-usb = USB 端口
station-column-serial = 序列号
station-column-chip = 芯片
station-column-result = 结果
station-column-error = 错误
station-column-duration = 用时
station-duration = { $seconds }{"\u00A0"}秒

## 生产设置、生产配置及其锁定

station-locked-to-profile = 已锁定为生产配置
station-locked-why = 已锁定为生产配置：请用工程师的 PIN 解锁
station-paused-why = 烧录已暂停：无法写入生产记录
station-auto-mode = 自动模式
station-auto-mode-hint = 与文件匹配的板子一插入就烧录
station-sound = 提示音
station-sound-hint = 每个结果响一声
station-name = 工位名称
station-name-placeholder = 名称
station-name-hint = 写入生产记录的每一条
station-unlock-button = 解锁…
station-locked-to = 已锁定为 { $name }
station-locked-to-hint = 固件文件和设置由生产配置决定
station-save-profile = 保存生产配置…
station-save-profile-hint = 把本工位锁定为当前的文件和设置
station-save-profile-first = 请先打开有效的文件，并选择记录文件夹
station-unlock-title = 解锁设置
station-unlock-explain = 输入工程师的 PIN，才能更改文件或设置。
station-pin = PIN
station-wrong-pin = PIN 错误，请重试。
station-unlock = 解锁
station-cancel = 取消
station-save-title = 保存生产配置
station-save-explain = 用 --profile FILE 启动，或程序旁边有 dfu-station.toml 时，工位启动后即锁定为当前的文件和设置。
station-profile-file = 配置文件
station-profile-pin = 解锁 PIN（留空则不设 PIN）
station-save-and-lock = 保存并锁定
station-replace-and-lock = 替换并锁定
station-profile-exists = { $path } 已存在。按“替换并锁定”覆盖它，或换一个文件名。

## 会话日志（每行以时间开头）

station-log-show = 显示日志（{ $count } 行）
station-log-hide = 隐藏日志（{ $count } 行）
station-log-show-hint = 显示或隐藏日志
station-log-copy = 复制日志
station-log-dropped = （已丢弃 { $count } 行较早的日志）
station-log-board-arrived = { $path }  { $chip }，{ $mode }，序列号 { $serial }
station-log-board-left = { $path }  已从 USB 断开
station-log-loaded = 已载入 { $path }：{ $size }，SHA-256 { $sha256 }
station-log-refused = 已拒绝 { $path }：{ $reason }
station-log-flashing = { $path }  开始烧录
station-log-pass = { $path }  通过，用时 { $seconds } 秒
station-log-fail = { $path }  失败：{ $reason }
station-log-folder = 生产记录位于 { $folder }
station-log-no-tones = 无法播放结果提示音：{ $why }
station-log-demo = 演示模式：模拟的板子，接在程序内部的虚拟总线上

# 生产记录无法写入：横幅和命令行的提示。
station-log-paused = 生产记录无法写入：{ $error }。烧录已暂停。{ $held ->
    [0] {""}
   *[other] { $held } 条记录暂存，等可以写入时再写。
}

## 驱动检查（Windows）：板子 DFU 接口上的驱动，以及该怎么做。

driver-needed = 这块板子要先装上 USB 驱动才能烧录。
driver-wrong = 这块板子装错了 USB 驱动（{ $driver }），无法烧录。
driver-install = 安装驱动
driver-press-install = 点击“{ driver-install }”，Windows 请求权限时选择“是”。
driver-no-package = 乐鑫没有为 { $chip } 发布签名驱动，DFU Station 无法替你安装：请按“帮助”中的步骤用 Zadig 安装 WinUSB。
driver-package-missing = DFU Station 自带的驱动文件不见了（{ $path }）：请重新安装 DFU Station，或按“帮助”中的步骤用 Zadig 安装 WinUSB。
driver-remove = 先卸载它：在设备管理器中右键点击“{ $name }”，选择“卸载设备”，勾选“尝试删除此设备的驱动程序”，点击“卸载”，然后重新插拔板子。
driver-remove-command = 或者在以管理员身份运行的命令提示符中执行：{ $command }
driver-details = { $chip } 下载模式，USB 接口 2：{ $instance }；驱动：{ $driver }；问题代码：{ $problem }
driver-line = { $chip }：{ $headline }DFU Station 的窗口会说明该怎么做。[{ $details }]

## 工位的磁贴：没有板子的槽位，以及结果之后的下一步

# 生产配置的槽位里没有列出的 USB 端口上的板子。
station-not-in-a-slot = 不在槽位上
# 治具上没有板子的槽位（在安静的磁贴上以大字显示）。
station-empty-slot = 空槽位：请放入板子
# 通过之后：板子还在槽位里时；取出之后。
station-take-out-put-next = 取出这块板子，放入下一块
station-put-next = 放入下一块板子
# 失败：板子为烧录而重新连接，但没有再出现。
station-no-board-came-back = 板子没有重新连上
station-no-board-came-back-next = 请检查数据线，然后让板子重新进入下载模式
# 失败并已拔出：失败的板子已离开槽位。
station-unplugged-next = 让板子重新进入下载模式即可再次烧录，或把它放到一边

## 产线数据库（生产配置的 [line]）：横幅、工位栏、作废的单元。

# 无法连接产线数据库时；$error 为技术原因（英文）。
station-line-unreachable = 无法连接产线数据库 { $store }（{ $error }）。{ $waiting ->
    [0] 记录暂存在本机，恢复后会补发。
   *[other] { $waiting } 条记录暂存在本机，恢复后会补发。
}烧录继续进行。
station-line-unreachable-boards-wait = 无法连接产线数据库 { $store }（{ $error }）。{ $waiting ->
    [0] {""}
   *[other] { $waiting } 条记录暂存在本机，恢复后会补发。
}带每板数据的板子需等待：数据库恢复响应前无法领取单元。
station-line-units-spent = 本工位停止前领取的 { $count } 个单元没有得到确认，已作废（不会再分配）：{ $units }
station-line-totals = 产线：通过 { $passed } · 失败 { $failed } · 剩余 { $left } 行
station-line-totals-hint = 整条产线的记录和单元，来自产线数据库 { $store }。

# 窗口：顶栏、单板模式的三步、工位模式的信息栏、板子列表、文件卡片及烧录地址图、
# 退出时的询问和文件对话框。术语见 common.ftl。
# 变量：$count 等数字；$chip、$name、$path、$serial、$unit、$address、$code 原样显示（不翻译）。

## 顶栏

window-app-name = DFU Station
window-mode-desk = 单板
window-mode-desk-hint = 一次一块板子：文件、板子、烧录、结果
window-locked = 已锁定为生产配置
window-mode-station = 工位
window-mode-station-hint = 夹具每个槽位一个方块，本班计数，自动模式
window-no-file = 无文件
window-file-hint = 要烧录的文件
window-pass-fail-count = 通过 { $passed } · 失败 { $failed }
window-pass-fail-hint = 本次启动以来烧录的板子（演示板子不计入）

## 主按钮及其不可用的原因

window-flash-boards = 烧录 { $count } 块板子
window-paused = 烧录已暂停：无法写入生产记录
window-open-firmware-first = 请先打开固件文件
window-plug-in-boards = 请插入处于下载模式的板子
window-no-board-ready = 没有可烧录此文件的板子
window-refusal-open-file = 请先打开固件文件（第 1 步）
window-refusal-plug-in = 请插入一块处于下载模式的板子
window-refusal-unplugged = 板子已拔出
window-refusal-flashing = 板子正在烧录
window-refusal-flash-next = 按“烧录下一块”继续下一块板子
window-refusal-flash-again = 按“重新烧录”，或按“烧录下一块”继续下一块板子
window-wrong-chip = 无法烧录：此文件适用于 { $chip }

## 单板模式

window-step-firmware = 1  固件
window-step-board-none = 2  板子
window-step-board = 2  板子：{ $chip }，USB { $path }
window-step-flash = 3  烧录
window-open-locked = 已锁定为生产配置：请用工程师的 PIN 解锁
window-file-dialog-open = 文件对话框已打开
window-no-file-dialog = 此电脑无法显示文件对话框。请把 dfu.bin 拖到本窗口，或安装文件对话框服务（XDG 桌面门户或 zenity）。

## 工位模式的信息栏及设置

window-station-default-name = 工位
window-file-for-sha = 适用于 { $chip } · SHA-256 { $sha }
window-checking = 正在检查 { $name }……
window-no-firmware-file = 无固件文件
window-shift-passed = 通过 { $count }
window-shift-failed = 失败 { $count }
# $rate 是数字，第一块板子之前为“-”。
window-boards-per-hour = { $rate } 块/小时
window-boards-per-hour-hint = 自本班第一块板子起的速度
window-no-rows-left = { $rows } 行已全部用完：产线停止
window-rows-left = 剩余 { $left } / { $rows } 行
window-rows-left-hint = 每板数据：数据文件中尚未分配给板子的行
window-line-away = 无法连接产线数据库。烧录继续进行；{ $waiting ->
    [0] 记录暂存在本机
   *[other] { $waiting } 条记录暂存在本机
}，恢复后补发。
window-line-away-boards-wait = 无法连接产线数据库：带每板数据的板子需等待，直到数据库恢复响应。{ $waiting ->
    [0] {""}
   *[other] { $waiting } 条记录暂存在本机。
}
window-auto-on = { " " }自动烧录：开{ " " }
window-auto-on-hint = 适用于此文件的板子一插入即自动烧录
window-station-setup-button = 工位设置…
window-station-setup-hint = 自动模式、声音、工位名称、记录文件夹、生产配置
window-station-setup = 工位设置
window-log-folder = 生产记录文件夹

## 底部面板的标签页

window-session-log = 运行日志
window-production-log = 生产记录

## 退出

window-held-records-title = 记录尚未写入
window-held-records = 有 { $count } 条记录尚未写入生产记录：目前无法写入。现在退出，这些记录会丢失。
window-keep-waiting = 继续等待
window-quit-anyway = 仍然退出
window-quit-while-flashing = { $count } 块板子正在烧录。停止烧录并退出？
window-stop-and-quit = 停止并退出
window-keep-flashing = 继续烧录
window-stopped-are-cancelled = 被停止的板子记为已取消，须重新烧录。
window-stopping = 正在停止 { $count } 块板子的烧录……
window-closes-when-recorded = 所有烧录结束并记录后，窗口即关闭。

## 选中的板子及其结果

window-cancel = 取消
window-cancel-hint = 立即停止；板子上会留下不完整的固件，须重新烧录
# $reset 是提示按 RESET 键的句子；$seconds 带一位小数。
window-pass-press-reset = { station-press-reset }（烧录用时 { $seconds }{"\u00A0"}秒）
window-flash-again = 重新烧录
window-flash-again-hint = 用同一个文件重新烧录这块板子
window-flash-next = 烧录下一块
window-flash-next-hint = 清除此结果，继续下一块板子
window-details = 详情
window-error-code = 错误代码：{ $code }
window-rate = { $size }/秒
# $time 为“分:秒”。
window-time-left = 剩余 { $time }
window-done-of-total = { $done } / { $total }

## 状态简述

window-status-pass = { station-pass }。{ station-press-reset }
window-status-fail = 失败。{ $reason }
window-unplugged = 已拔出
window-ready-no-file = 就绪。打开固件文件即可烧录。
window-ready-checking-file = 就绪。正在检查文件……
window-ready-file-refused = 就绪。第 1 步的文件不能烧录：请打开另一个文件。
window-ready = 可以烧录
window-file-valid = 固件文件有效
window-file-valid-warnings = 有效，{ $count } 条警告

## 大小


## 板子列表

window-board-row = 板子 { $path }：{ $chip }，{ $mode }，{ $state }
window-boards = 板子
window-no-board-yet = 还没有板子。插入处于下载模式的 ESP32-S2/S3，它会立即显示在这里。
window-no-hardware = 手边没有硬件？在“帮助”中插入模拟板子。
window-usb-path = USB { $path }
window-unit = 单元编号 { $unit }
window-serial = 序列号 { $serial }
window-dismiss = 移除
window-cannot-flash = 无法烧录
window-demo-board = 演示板子：
window-unplug = 拔出
window-unplug-hint = 拔出这块模拟板子
window-put-in-download-mode = 进入下载模式
window-put-in-download-mode-hint = 在模拟板子上按住 BOOT 键再按 RESET 键

## 文件卡片及烧录地址图

window-open = 打开…
window-open-hint = 选择 dfu.bin
window-drop-here = 把 dfu.bin 拖到这里，或按“打开…”
window-any-chip = 任意芯片（文件中未记录）
window-file-for-size = 适用于 { $chip } · { $size }
window-sha256 = SHA-256
window-flash-size = 闪存容量
window-unknown = 未知
window-flash-map = 烧录地址图（{ $size }）
window-region = { $name }，地址 { $address }，{ $size }
window-region-details =
    { $name }
    { $start } - { $end }
    { $size }，分 { $count } 段写入
window-drop-to-check = 松开即检查此固件文件

## 文件对话框

window-open-dfu-file = 打开固件文件
window-filter-dfu = 固件文件
window-filter-binary = 二进制文件
window-filter-any = 所有文件
window-no-session-bus = 没有会话总线（{ $error }）
window-portal-missing = 会话总线上没有 { $name }
window-no-dialog-service = 没有 XDG 桌面门户（{ $why }），也没有 zenity。
window-save-support-report = 保存支持报告
window-report-saved = 已保存到 { $path }。请把此文件发给为你提供帮助的人。
window-report-not-saved = 无法保存到 { $path }：{ $error }

## 驱动检查（Windows）：列表中和 Windows 驱动帮助中的板子卡片

driver-install-hint = 只在这块板子的 DFU 接口上安装乐鑫签名的 WinUSB 驱动；它的串口保留原有驱动。
driver-show-steps = 查看步骤
driver-show-steps-hint = 打开 Windows 驱动帮助。
driver-badge-needed = 需要 USB 驱动
driver-badge-wrong = USB 驱动不对
driver-installing = 正在安装驱动：Windows 请求权限时请选择“是”……
driver-installed = 驱动已安装。如果板子没有出现，请重新插拔。
driver-installed-restart = 驱动已安装：重启电脑后生效。
driver-install-declined = 未安装：没有获得 Windows 的许可。请再次点击“{ driver-install }”并选择“是”。
driver-install-no-device = 未安装：Windows 没有找到适用此驱动的板子。请让板子进入下载模式后重新插上，再试一次。
driver-install-timed-out = 未安装：安装程序在 { $seconds } 秒后仍未完成。
driver-install-failed = 未安装：安装失败（pnputil 代码 { $code }；原因见 C:\Windows\INF\setupapi.dev.log）。请改按“帮助”中的步骤用 Zadig 安装 WinUSB。
driver-install-not-started = 未安装：安装程序无法启动（{ $error }）。

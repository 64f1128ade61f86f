/** Network access (issue 6, DESIGN.md Security): the network waits for a session; a contractor sees their sites only. */
import { defineMessages } from './define';

export const accessMessages = defineMessages({
  'access.signIn': 'Sign in to see the network (Permits panel).',
  'access.forbidden': 'Your role may not see the network.',
  'access.sites': 'Showing the network within {radius} m of your {count} active permit sites.',
  'access.noSites': 'You have no active permit: the network is shown only around your submitted permits\' sites.',
}, {
  'access.signIn': '请登录后查看管网（许可面板）。',
  'access.forbidden': '您的角色无权查看管网。',
  'access.sites': '仅显示您的 {count} 个有效许可工地周边 {radius} 米范围内的管网。',
  'access.noSites': '您没有有效的许可：仅在已提交许可的工地周边显示管网。',
});

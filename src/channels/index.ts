// What other folders use from src/channels: import it from here, not from the files inside (issue 20).
export { CHANNELS, type ChannelAdapter, type ChannelName, type ChannelNeed } from './channel.ts';
export { configureChannel, listChannels, requireChannel } from './channel-config.ts';
export { runChannelTest } from './channel-test-send.ts';

import net from "node:net";

describe("loopback guard", () => {
  it("refuses a connection to an address outside loopback before any packet leaves", () => {
    expect(() => net.connect({ host: "169.254.169.254", port: 80 })).toThrow(/loopback guard/);
  });

  it("lets a loopback connection through", async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.on("connect", resolve);
      socket.on("error", reject);
    });
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});

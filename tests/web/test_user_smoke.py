from nicegui.testing.user import User


async def test_home_lists_pages(user: User) -> None:
    await user.open("/")
    await user.should_see("Configurator")
    await user.should_see("Off road")
